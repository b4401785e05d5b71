import { ResilientEventSourceError } from '../errors';
import type { ResilientEventSourceOptions, UrlInput } from '../types';
import { createSharedSource, type SharedSource } from './shared-source';

/**
 * The lazy chunk's entry. Options that cannot be shared (a function URL without share.key) leave the
 * tab on its own connection, with one 'config' error that says why, on a fresh task, once the calls made while the chunk loaded were replayed.
 */
export function attach(url: UrlInput, options: ResilientEventSourceOptions): SharedSource {
  try {
    return createSharedSource(url, options);
  } catch (cause) {
    const shared = createSharedSource(url, { ...options, share: false, persist: false });
    const message = cause instanceof Error ? cause.message : String(cause);
    setTimeout(() => shared.reportError(new ResilientEventSourceError('config', message, { cause })));
    return shared;
  }
}
