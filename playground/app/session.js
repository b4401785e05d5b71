/**
 * Owns the one ResilientEventSource the page shows, and listens to every event name the
 * server sends (plus the names typed in the publish box), since an unheard name would
 * look like a gap.
 */

/** Names the reference server sends: default, producers, resume reset, heartbeat, malformed fault. */
const SERVER_NAMES = ['message', 'server-time', 'price', 'reset', 'heartbeat', 'malformed'];
const STREAM_URL = '/events';

export class Session {
  #source = null;
  #names = new Set(SERVER_NAMES);
  #handlers;
  /** The current source's event callback, reused for names added later. */
  #onEvent = null;
  #closedByUser = false;

  /** handlers: { event(e), state(change), error(err) } for the current source only. */
  constructor(handlers) {
    this.#handlers = handlers;
  }

  get source() {
    return this.#source;
  }

  get names() {
    return [...this.#names];
  }

  /** Closes the current source and opens a new one with `options`. Throws on invalid options. */
  start(options) {
    this.close();
    const Source = window.ResilientEventSource;
    const source = new Source(STREAM_URL, options);
    this.#source = source;
    this.#closedByUser = false;
    // Callbacks of a replaced source are ignored, so an old stream cannot touch new counters.
    const current = (fn) => (value) => {
      if (this.#source === source) fn(value);
    };
    source.onStateChange(current(this.#handlers.state));
    source.onError(current(this.#handlers.error));
    this.#onEvent = current(this.#handlers.event);
    for (const name of this.#names) source.on(name, this.#onEvent);
    return source;
  }

  /** Adds a listener for a new name, on this source and every later one. */
  listen(name) {
    if (!name || this.#names.has(name)) return;
    this.#names.add(name);
    if (this.#source && this.#onEvent) this.#source.on(name, this.#onEvent);
  }

  /** Returns false when there is nothing to reconnect: close() is final for a source. */
  reconnect() {
    if (!this.#source || this.#closedByUser) return false;
    this.#source.reconnect();
    return true;
  }

  close() {
    if (this.#source) this.#closedByUser = true;
    this.#source?.close();
  }
}
