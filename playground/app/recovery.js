/**
 * Time to recover: from pressing a fault button to the first event after the stream was
 * down and came back. Faults that only affect the next connection (500×K, SSE off) wait
 * until an outage actually happens.
 */
export class RecoveryClock {
  /** Last measured recovery in ms, or null. */
  lastMs = null;
  #armedAt = null;
  #sawOutage = false;
  #open = false;

  get waiting() {
    return this.#armedAt !== null;
  }

  /** A disruptive fault was just requested. */
  arm(now) {
    this.#armedAt = now;
    this.#sawOutage = !this.#open;
  }

  state(state) {
    this.#open = state === 'open';
    if (!this.#open && this.#armedAt !== null) this.#sawOutage = true;
  }

  /** Any event (heartbeats included) proves the stream is back. Returns true when it measured. */
  event(now) {
    if (this.#armedAt === null || !this.#sawOutage || !this.#open) return false;
    this.lastMs = Math.round(now - this.#armedAt);
    this.#armedAt = null;
    return true;
  }

  clear() {
    this.lastMs = null;
    this.#armedAt = null;
  }
}
