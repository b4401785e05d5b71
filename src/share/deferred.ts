import { settingsFrom } from '../options';
import type { Connection } from '../connection';
import type { ResilientEventSourceOptions, ShareRole, UrlInput } from '../types';

type Shared = Connection & { role: ShareRole };

/** What a source reads as before its chunk loaded; every other member is a method. */
const BEFORE: Record<string, unknown> = { state: 'connecting', transport: null, lastEventId: '', url: '', role: null };

/**
 * Stands in for a shared (or persisted) source while its lazy chunk (./attach) loads: a method called
 * meanwhile runs once it has, in call order (a removal it returned, after it); then every member goes
 * straight to the real source. Kept this small because an app that does not share still loads it.
 */
export function deferShare(url: UrlInput, options: ResilientEventSourceOptions): Shared {
  settingsFrom(options); // bad options throw now, not in the chunk
  let real: Shared | undefined;
  const ready = import('./attach').then(({ attach }) => (real = attach(url, options)));
  type Method = (...args: unknown[]) => unknown;
  return new Proxy({} as Shared, {
    get: (_, name: keyof Shared) =>
      real
        ? real[name]
        : name in BEFORE
          ? BEFORE[name]
          : (...args: unknown[]) => {
              const done = ready.then((source) => (source[name] as Method)(...args));
              return () => done.then((remove) => (remove as Method)());
            },
  });
}
