/** A follower pings a leader it has not heard from for this long (ms)... */
export const QUIET_MS = 100;
/** ...and counts it as silent (frozen, hung) if nothing comes within this long after the ping (ms). */
export const ANSWER_MS = 150;

export interface LeaderWatch {
  /** Something came from the leader. */
  heard(): void;
  /** (Re)starts watching, counting from now. */
  start(): void;
  stop(): void;
}

/**
 * A follower's check that its leader still runs, since a frozen tab keeps its lock and says nothing.
 * The leader answers pings from its message handler, which background tabs do not throttle as they do
 * timers. A follower's own timers may fire late when hidden: that makes the check slower, never wrong,
 * because it compares what was heard with when it asked. `silent` is called once (start() again after),
 * with a check that nothing was heard since.
 */
export function watchLeader(ping: () => void, silent: (stillSilent: () => boolean) => void): LeaderWatch {
  let heardAt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  function check(): void {
    const quietFor = Date.now() - heardAt;
    if (quietFor < QUIET_MS) {
      timer = setTimeout(check, QUIET_MS - quietFor);
      return;
    }
    const askedAt = Date.now();
    ping();
    timer = setTimeout(() => {
      const last = heardAt;
      if (last >= askedAt) check();
      else silent(() => heardAt === last);
    }, ANSWER_MS);
  }

  const stop = (): void => clearTimeout(timer);
  return {
    heard: () => {
      heardAt = Date.now();
    },
    start() {
      stop();
      heardAt = Date.now();
      timer = setTimeout(check, QUIET_MS);
    },
    stop,
  };
}
