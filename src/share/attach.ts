import { ConfigError, ResilientEventSourceError } from '../errors';
import { settingsFrom } from '../options';
import type { ResilientEventSourceOptions, UrlInput } from '../types';
import { createSharedSource, type SharedSource } from './shared-source';

/** share and persist, checked at construction like every other option. */
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
 * How a source that shares or persists connects (the core calls it through src/connect.ts). Bad
 * options throw, as for any source. Options that cannot be shared (a function URL without share.key)
 * leave the tab on its own connection, with one 'config' error that says why, on a fresh task, so
 * that listeners added right after construction hear it.
 */
export function attach(url: UrlInput, options: ResilientEventSourceOptions): SharedSource {
  settingsFrom(options);
  checkShareOptions(options);
  try {
    return createSharedSource(url, options);
  } catch (cause) {
    const shared = createSharedSource(url, { ...options, share: false, persist: false });
    const message = cause instanceof Error ? cause.message : String(cause);
    setTimeout(() => shared.reportError(new ResilientEventSourceError('config', message, { cause })));
    return shared;
  }
}
