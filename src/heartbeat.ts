/**
 * Fires `onExpire` when nothing arrived for `timeout` ms.
 *
 * `touch()` only records a timestamp (it runs for every event, so it must be cheap); the timer
 * re-arms itself for the remaining time when it wakes early. The wall-clock deadline is kept as well,
 * because a background tab throttles timers and a sleeping laptop freezes them: `check()` (called on
 * `visibilitychange` and `online`) catches a deadline that passed while the timer could not fire.
 * Date.now() rather than performance.now(), since the latter may not advance while the machine sleeps.
 */
export class Heartbeat {
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastActivity = 0;

  readonly #timeout: number;
  readonly #onExpire: () => void;

  constructor(timeout: number, onExpire: () => void) {
    this.#timeout = timeout;
    this.#onExpire = onExpire;
  }

  /** Start (or restart) watching from now. A timeout of 0 disables the watchdog. */
  start(): void {
    this.stop();
    if (this.#timeout <= 0) return;
    this.#lastActivity = Date.now();
    this.#arm(this.#timeout);
  }

  touch(): void {
    this.#lastActivity = Date.now();
  }

  /** Expire now if the deadline has passed while timers were asleep. */
  check(): void {
    if (this.#timer !== undefined && Date.now() >= this.deadline) this.#expire();
  }

  stop(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  get deadline(): number {
    return this.#lastActivity + this.#timeout;
  }

  #arm(ms: number): void {
    this.#timer = setTimeout(() => this.#wake(), ms);
  }

  #wake(): void {
    const remaining = this.deadline - Date.now();
    if (remaining > 0) this.#arm(remaining);
    else this.#expire();
  }

  #expire(): void {
    this.stop();
    this.#onExpire();
  }
}
