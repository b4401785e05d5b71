/**
 * The event log: rows wait in a queue and are added once per frame, newest on top, and the
 * list never holds more than CAP rows, so thousands of events cost a few hundred nodes.
 */
import { clockTime, el } from './dom.js';

const CAP = 200;
const MAX_DATA_CHARS = 240;

const NOTES = {
  gap: (row) => `gap: ${row.missing} missing`,
  duplicate: () => 'duplicate',
  rebase: () => 'after reset',
};

export class EventLog {
  #list;
  #pending = [];

  constructor(list) {
    this.#list = list;
  }

  /** row: { t, id, type, raw, kind, missing } */
  add(row) {
    this.#pending.push(row);
    // Only the newest CAP rows could ever be shown, so older queued ones are dropped unrendered.
    if (this.#pending.length > CAP * 2) this.#pending.splice(0, this.#pending.length - CAP);
  }

  clear() {
    this.#pending = [];
    this.#list.replaceChildren();
  }

  render() {
    if (this.#pending.length === 0) return;
    const rows = this.#pending.slice(-CAP);
    this.#pending = [];
    const fragment = document.createDocumentFragment();
    for (let i = rows.length - 1; i >= 0; i--) fragment.append(rowElement(rows[i]));
    this.#list.prepend(fragment);
    while (this.#list.childElementCount > CAP) this.#list.lastElementChild.remove();
  }
}

function rowElement(row) {
  const item = el('li', `row kind-${row.kind}`);
  const data = row.raw.length > MAX_DATA_CHARS ? `${row.raw.slice(0, MAX_DATA_CHARS)}…` : row.raw;
  const note = NOTES[row.kind]?.(row);
  const dataCell = el('span', 'data', data);
  if (note) dataCell.prepend(el('b', 'note', note));
  item.append(
    el('span', 'time', clockTime(row.t)),
    el('span', 'id', row.id || '–'),
    el('span', 'name', row.type),
    dataCell,
  );
  if (note) item.title = note;
  return item;
}
