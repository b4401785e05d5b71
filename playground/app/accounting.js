/**
 * Gap and duplicate accounting. The server numbers every logged event 1, 2, 3… across all
 * event names, so any event seen twice or any number skipped shows up here, whatever the
 * transport or the fault.
 */

/** Events the server sends without an id of their own: shown, never counted. */
export const UNCOUNTED = new Set(['heartbeat', 'reset', 'malformed']);

export class Accounting {
  received = 0;
  gaps = 0;
  duplicates = 0;
  resets = 0;
  /** Highest id seen so far (null before the first event). */
  lastId = null;
  /** After a `reset` the server replays what it still has, so the next id is a new baseline. */
  #rebase = false;

  /**
   * Counts one event by its id. Returns 'ok', 'gap' (with `missing`), 'duplicate' or 'rebase'.
   * Ids that are not integers cannot be checked and count as 'ok'.
   */
  count(idText) {
    this.received++;
    const id = Number(idText);
    if (idText === '' || !Number.isSafeInteger(id)) return { kind: 'ok' };
    if (this.lastId === null || this.#rebase) {
      const kind = this.lastId === null ? 'ok' : 'rebase';
      this.#rebase = false;
      this.lastId = id;
      return { kind };
    }
    if (id <= this.lastId) {
      this.duplicates++;
      return { kind: 'duplicate' };
    }
    const missing = id - this.lastId - 1;
    this.lastId = id;
    if (missing === 0) return { kind: 'ok' };
    this.gaps += missing;
    return { kind: 'gap', missing };
  }

  /** The server could not resume exactly (our id left its log): do not blame the next id. */
  reset() {
    this.resets++;
    this.#rebase = true;
  }
}
