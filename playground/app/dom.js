/**
 * Small DOM helpers. Everything is built with createElement and textContent, never innerHTML,
 * so event data from the server can never become markup.
 */

/** The element with this id; a missing one is a bug in index.html, so fail loudly. */
export function byId(id) {
  const element = document.getElementById(id);
  if (!element) throw new Error(`playground: #${id} is missing from index.html`);
  return element;
}

/** A new element with an optional class and text. */
export function el(tag, className, text) {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
}

/** An input's value as a number, or `fallback` when it is empty or not a number. */
export function numberFrom(id, fallback) {
  const value = Number(byId(id).value);
  return byId(id).value.trim() !== '' && Number.isFinite(value) ? value : fallback;
}

/** Wall-clock time as HH:MM:SS.mmm (local), for log rows. */
export function clockTime(ms) {
  const date = new Date(ms);
  const pad = (n, width = 2) => String(n).padStart(width, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

/** Sets text only when it changed, so a render that changes nothing costs no layout. */
export function setText(element, text) {
  if (element.textContent !== text) element.textContent = text;
}
