/**
 * The state timeline: a list of state changes, errors and notes (newest on top, capped), and
 * a colour strip of the last minute drawn on a canvas.
 */
import { clockTime, el } from './dom.js';

const CAP = 150;
const STRIP_WINDOW_MS = 60_000;

export class Timeline {
  #list;
  #canvas;
  #pending = [];
  /** State segments for the strip: { state, at } in time order; old ones are pruned. */
  #segments = [];

  constructor(list, canvas) {
    this.#list = list;
    this.#canvas = canvas;
  }

  state(change, t = Date.now()) {
    const details = [change.transport, change.reason].filter(Boolean);
    if (change.attempt) details.push(`attempt ${change.attempt}`);
    if (change.delay !== null && change.delay !== undefined) details.push(`retry in ${change.delay} ms`);
    this.#pending.push({ t, badge: change.state, text: details.join(' · ') });
    this.#segments.push({ state: change.state, at: t });
  }

  error(err, t = Date.now()) {
    const status = err.status !== undefined ? ` ${err.status}` : '';
    this.#pending.push({ t, badge: 'error', text: `${err.type}${status}: ${err.message}` });
  }

  note(text, t = Date.now()) {
    this.#pending.push({ t, badge: 'note', text });
  }

  render() {
    if (this.#pending.length === 0) return;
    const rows = this.#pending.slice(-CAP);
    this.#pending = [];
    const fragment = document.createDocumentFragment();
    for (let i = rows.length - 1; i >= 0; i--) {
      const row = rows[i];
      const item = el('li', `row badge-${row.badge}`);
      item.append(
        el('span', 'time', clockTime(row.t)),
        el('span', `badge ${row.badge}`, row.badge),
        el('span', 'text', row.text),
      );
      item.title = row.text;
      fragment.append(item);
    }
    this.#list.prepend(fragment);
    while (this.#list.childElementCount > CAP) this.#list.lastElementChild.remove();
  }

  /** Redraws the strip: one coloured run per state over the last minute. */
  drawStrip(now = Date.now()) {
    const canvas = this.#canvas;
    const ratio = window.devicePixelRatio || 1;
    const width = Math.round(canvas.clientWidth * ratio);
    const height = Math.round(canvas.clientHeight * ratio);
    if (width === 0 || height === 0) return;
    if (canvas.width !== width || canvas.height !== height) Object.assign(canvas, { width, height });
    const ctx = canvas.getContext('2d');
    ctx.clearRect(0, 0, width, height);
    const start = now - STRIP_WINDOW_MS;
    // Keep the last segment that began before the window: it colours the window's left edge.
    while (this.#segments.length > 1 && this.#segments[1].at <= start) this.#segments.shift();
    const colors = stateColors();
    const x = (t) => ((Math.max(t, start) - start) / STRIP_WINDOW_MS) * width;
    this.#segments.forEach((segment, i) => {
      const end = this.#segments[i + 1]?.at ?? now;
      ctx.fillStyle = colors[segment.state] ?? '#999';
      ctx.fillRect(x(segment.at), 0, Math.max(1, x(end) - x(segment.at)), height);
    });
  }
}

/** The strip uses the same colours as the badges, read from the stylesheet's custom properties. */
function stateColors() {
  const style = getComputedStyle(document.documentElement);
  const read = (name) => style.getPropertyValue(`--state-${name}`).trim();
  return {
    connecting: read('connecting'),
    open: read('open'),
    reconnecting: read('reconnecting'),
    closed: read('closed'),
  };
}
