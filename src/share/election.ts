/** The Web Locks this needs (absent in some browsers and workers). */
type Locks = Pick<LockManager, 'request'>;

export const locksOf = (): Locks | undefined => (globalThis as { navigator?: { locks?: Locks } }).navigator?.locks;

/**
 * Queues for the Web Lock `name` and calls `won` once this tab holds it. The lock is held until
 * `resign()` (or until the tab goes away: closed, reloaded, crashed, which releases it). `lost` is
 * called if another tab stole it. resign() also leaves the queue. `steal` takes the lock from a holder
 * that cannot give it up (a frozen tab).
 */
export function elect(
  locks: Locks,
  name: string,
  won: () => void,
  lost: () => void,
  steal = false,
): { resign(): void } {
  const abort = new AbortController();
  let release: (() => void) | undefined;
  let resigned = false;
  locks
    // A steal cannot be aborted (the API refuses steal with a signal): it is granted at once.
    .request(name, steal ? { steal } : { signal: abort.signal }, () => {
      if (resigned) return undefined;
      return new Promise<void>((resolve) => {
        release = resolve;
        won();
      });
    })
    .catch(() => {
      // Aborted by resign(); or stolen while held. A request refused outright leaves this tab a follower.
      if (!resigned && release) lost();
    });
  return {
    resign() {
      resigned = true;
      abort.abort();
      release?.();
    },
  };
}
