import type { Connection } from '../connection';
import { ConfigError } from '../errors';
import { settingsFrom } from '../options';
import type { ResilientEventSourceOptions, ShareRole, UrlInput } from '../types';

type Shared = Connection & { role: ShareRole };

/** What a source reads as before its chunk loaded; every other member is a method. */
const BEFORE: Record<string, unknown> = { state: 'connecting', transport: null, lastEventId: '', url: '', role: null };

/** share and persist, checked at construction like every other option (their use is in the chunk). */
function checkShareOptions({ share, persist }: ResilientEventSourceOptions): void {
  const key = (share as { key?: unknown } | undefined)?.key;
  if (
    (share &&
      share !== true &&
      (typeof share !== 'object' || (key !== undefined && (!key || typeof key !== 'string')))) ||
    (persist && persist !== 'session' && persist !== 'local')
  )
    throw new ConfigError("share takes true, false or { key }; persist 'session', 'local' or false");
}

/**
 * The one seam between the core and tab sharing: all of src/share/ that an app loads at start (the
 * size check measures it against a build without it). A source asked to share or persist gets a
 * stand-in while its lazy chunk (./attach) loads: a method called meanwhile runs once it has, in call
 * order (a removal it returned, after it); then every member goes straight to the real source.
 * Any other source gets undefined: the core's own connection.
 */
export function deferShare(url: UrlInput, options: ResilientEventSourceOptions): Shared | undefined {
  if (!options?.share && !options?.persist) return undefined;
  // Bad options throw now, not in the chunk.
  settingsFrom(options);
  checkShareOptions(options);
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
