import { ResilientEventSource, type ResilientEventSourceOptions, type UrlInput } from '../index';
import { watchStatus } from './connection-status';
import { sourceKey } from './source-key';

/**
 * How long (ms) a source outlives its last user. React StrictMode's mount, unmount and mount, and
 * a component that remounts at once (a route change, a list re-keyed), find it still open.
 */
export const RELEASE_GRACE_MS = 1000;

interface Entry {
  source: ResilientEventSource<object>;
  users: number;
  closeTimer?: ReturnType<typeof setTimeout>;
}

/** One source per URL + options, shared by everyone who asks. */
const entries = new Map<string, Entry>();

/** A share of a source; `release()` gives it back (once; later calls do nothing). */
export interface Lease<Events extends object> {
  readonly key: string;
  readonly source: ResilientEventSource<Events>;
  release(): void;
}

/** The source of `key` if someone holds it (or held it within the grace period); creates nothing. */
export const peekSource = <Events extends object>(key: string): ResilientEventSource<Events> | null =>
  (entries.get(key)?.source as ResilientEventSource<Events> | undefined) ?? null;

/** Takes a share of the source for `url` + `options`, creating it if nobody holds one. */
export function acquireSource<Events extends object>(
  url: UrlInput,
  options: ResilientEventSourceOptions = {},
  key = sourceKey(url, options),
): Lease<Events> {
  let entry = entries.get(key);
  if (!entry) {
    // The options go through unchanged, so every core option (and any added later) works here.
    const source = new ResilientEventSource<object>(url, options);
    watchStatus(source);
    entries.set(key, (entry = { source, users: 0 }));
  }
  const held = entry;
  clearTimeout(held.closeTimer);
  held.users++;
  let released = false;
  return {
    key,
    source: held.source as ResilientEventSource<Events>,
    release() {
      if (released) return;
      released = true;
      if (--held.users > 0) return;
      // acquireSource() clears this timer, so when it fires nobody holds the source.
      held.closeTimer = setTimeout(() => {
        entries.delete(key);
        held.source.close();
      }, RELEASE_GRACE_MS);
    },
  };
}
