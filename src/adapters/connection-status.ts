import type { ConnectionState, ResilientEventSource, ResilientEventSourceError } from '../index';

/** What `useConnectionState` gives: the state, and the retry under way if any. */
export interface ConnectionStatus {
  state: ConnectionState;
  /** Consecutive failed attempts so far (0 once a connection has stayed open). */
  attempt: number;
  /** Milliseconds until the next attempt when one is scheduled; otherwise null. */
  delay: number | null;
  /** The last error since the connection last opened; null while all is well. */
  error: ResilientEventSourceError | null;
}

/** Before anything is known, and on the server: a stream that is about to connect. */
export const CONNECTING: ConnectionStatus = { state: 'connecting', attempt: 0, delay: null, error: null };

interface StatusStore {
  /** A new object on every change, the same one otherwise (what useSyncExternalStore needs). */
  current: ConnectionStatus;
  listeners: Set<() => void>;
}

const stores = new WeakMap<ResilientEventSource<object>, StatusStore>();

/**
 * The status of `source`, kept from the first call on: sources from the registry are watched from
 * birth, a source made by hand from the first component that asks (its earlier retries are unknown).
 */
export function watchStatus(source: ResilientEventSource<object>): StatusStore {
  let store = stores.get(source);
  if (!store) {
    const kept: StatusStore = { current: { ...CONNECTING, state: source.state }, listeners: new Set() };
    const update = (change: Partial<ConnectionStatus>): void => {
      kept.current = { ...kept.current, ...change };
      for (const listener of [...kept.listeners]) listener();
    };
    // An open connection clears the error of the failures before it.
    source.onStateChange(({ state, attempt, delay }) =>
      update({ state, attempt, delay, error: state === 'open' ? null : kept.current.error }),
    );
    source.onError((error) => update({ error }));
    stores.set(source, (store = kept));
  }
  return store;
}

/** Calls `listener` on every status change of `source`; returns the removal. */
export function subscribeStatus(source: ResilientEventSource<object>, listener: () => void): () => void {
  const { listeners } = watchStatus(source);
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export const statusOf = (source: ResilientEventSource<object>): ConnectionStatus => watchStatus(source).current;
