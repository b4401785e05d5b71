import { useCallback, useSyncExternalStore } from 'react';
import { acquireSource, peekSource } from '../adapters/registry';
import { sourceKey } from '../adapters/source-key';
import type { ResilientEventSource, ResilientEventSourceOptions, UrlInput } from '../index';

const onServer = (): null => null;

/**
 * The shared source for `url` + `options`: one per distinct pair, whichever components ask,
 * opened when the first of them mounts and closed a grace period after the last unmounts.
 * Options are compared by content (functions and constructors by identity, so define those
 * outside the component or memoise them). Changing either closes the old source and opens the new.
 *
 * Null until mounted: server rendering and the first render open nothing.
 */
export function useEventSource<Events extends object = Record<string, unknown>>(
  url: UrlInput,
  options?: ResilientEventSourceOptions,
): ResilientEventSource<Events> | null {
  const key = sourceKey(url, options);
  // One subscription per key: taking a share is subscribing, giving it back is unsubscribing.
  // biome-ignore lint/correctness/useExhaustiveDependencies: url and options are what the key stands for
  const subscribe = useCallback(() => acquireSource<Events>(url, options, key).release, [key]);
  const getSnapshot = useCallback(() => peekSource<Events>(key), [key]);
  return useSyncExternalStore(subscribe, getSnapshot, onServer);
}
