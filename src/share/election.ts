/** The Web Locks this needs (absent in some browsers and workers). */
export type Locks = Pick<LockManager, 'request' | 'query'>;

export const locksOf = (): Locks | undefined => (globalThis as { navigator?: { locks?: Locks } }).navigator?.locks;

export interface Election {
  /** Gives the lock up (or leaves the queue). */
  resign(): void;
  /** True once this tab holds the lock; false if it never will (resigned, refused). */
  readonly granted: Promise<boolean>;
}

/**
 * Queues for the Web Lock `name` and calls `won` once this tab holds it. The lock is held until
 * `resign()` (or until the tab goes away: closed, reloaded, crashed, which releases it). `lost` is
 * called if another tab stole it. resign() also leaves the queue. `steal` takes the lock from a holder
 * that cannot give it up (a frozen tab).
 */
export function elect(locks: Locks, name: string, won: () => void, lost: () => void, steal = false): Election {
  const abort = new AbortController();
  let release: (() => void) | undefined;
  let resigned = false;
  let settle: (held: boolean) => void = () => {};
  const granted = new Promise<boolean>((resolve) => (settle = resolve));
  locks
    // A steal cannot be aborted (the API refuses steal with a signal): it is granted at once.
    .request(name, steal ? { steal } : { signal: abort.signal }, () => {
      settle(!resigned);
      if (resigned) return undefined;
      return new Promise<void>((resolve) => {
        release = resolve;
        won();
      });
    })
    .catch(() => {
      settle(false);
      // Aborted by resign(); or stolen while held. A request refused outright leaves this tab a follower.
      if (!resigned && release) lost();
    });
  return {
    granted,
    resign() {
      resigned = true;
      settle(false);
      abort.abort();
      release?.();
    },
  };
}
