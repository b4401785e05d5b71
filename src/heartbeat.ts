/**
 * Calls `onExpire` when nothing arrived for `timeout` ms (0 disables the watchdog).
 *
 * `touch()` only records a timestamp (it runs for every event, so it must be cheap); the timer
 * re-arms itself for the remaining time when it wakes early. The wall-clock deadline is kept as well,
 * because a background tab throttles timers and a sleeping laptop freezes them: `check()` (called on
 * `visibilitychange`) catches a deadline that passed while the timer could not fire.
 * Date.now() rather than performance.now(), since the latter may not advance while the machine sleeps.
 */
export function createHeartbeat(timeout: number, onExpire: () => void) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastActivity = 0;

  const stop = (): void => {
    clearTimeout(timer);
    timer = undefined;
  };
  // Sleep until the deadline, or expire if it has passed.
  const wake = (): void => {
    const remaining = lastActivity + timeout - Date.now();
    if (remaining > 0) {
      timer = setTimeout(wake, remaining);
    } else {
      stop();
      onExpire();
    }
  };

  return {
    /** Start (or restart) watching from now. */
    start(): void {
      stop();
      if (timeout > 0) {
        lastActivity = Date.now();
        wake();
      }
    },
    touch(): void {
      lastActivity = Date.now();
    },
    /** Expire now if the deadline passed while timers were asleep. */
    check(): void {
      if (timer) {
        clearTimeout(timer);
        wake();
      }
    },
    stop,
  };
}
