import type { PersistOption } from '../types';

export interface Persistence {
  /** The stored id, or undefined. */
  read(): string | undefined;
  save(id: string): void;
}

/**
 * The last event id in sessionStorage or localStorage under `key`. Storage that throws (private mode,
 * quota, blocked cookies) is reported once through `failed` and then left alone: the stream goes on.
 */
export function persistence(option: PersistOption | undefined, key: string, failed: (cause: unknown) => void) {
  let storage: Storage | undefined;
  let saved: string | undefined;
  const guard = <T>(run: (store: Storage) => T): T | undefined => {
    if (!storage) return undefined;
    try {
      return run(storage);
    } catch (cause) {
      storage = undefined;
      failed(cause);
      return undefined;
    }
  };
  if (option) {
    try {
      storage = option === 'local' ? globalThis.localStorage : globalThis.sessionStorage;
    } catch (cause) {
      // Merely reading the property throws where storage is blocked.
      failed(cause);
    }
  }
  const name = `resilient-eventsource:${key}`;
  return {
    read: () => guard((store) => store.getItem(name) ?? undefined),
    save(id: string): void {
      if (id === saved) return;
      saved = id;
      guard((store) => store.setItem(name, id));
    },
  } satisfies Persistence;
}
