import { useEffect, useLayoutEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import type { ResilientEventSource, ServerEvent } from '../index';

const nothing = (): void => {};
const onServer = (): undefined => undefined;

/**
 * Calls `handler` with every `type` event of `source`, in order, none dropped (React never
 * batches them away: this is a callback, not state). The latest `handler` is called, so it may
 * be a new function on every render without resubscribing.
 */
export function useServerEvent<Events extends object, K extends keyof Events & string>(
  source: ResilientEventSource<Events> | null,
  type: K,
  handler: (event: ServerEvent<Events[K], K>) => void,
): void;
/**
 * The data of the latest `type` event, for rendering; undefined until one arrives. Renders may
 * skip values in a burst: use the handler form to see every event.
 */
export function useServerEvent<Events extends object, K extends keyof Events & string>(
  source: ResilientEventSource<Events> | null,
  type: K,
): Events[K] | undefined;
export function useServerEvent<Events extends object, K extends keyof Events & string>(
  source: ResilientEventSource<Events> | null,
  type: K,
  handler?: (event: ServerEvent<Events[K], K>) => void,
): Events[K] | undefined {
  const latestHandler = useRef(handler);
  useLayoutEffect(() => {
    latestHandler.current = handler;
  });
  const wantsEvents = handler !== undefined;
  useEffect(
    () => (source && wantsEvents ? source.on(type, (event) => latestHandler.current?.(event)) : undefined),
    [source, type, wantsEvents],
  );
  // The latest data, kept per source and name: a new pair starts from undefined again.
  const latest = useMemo(() => {
    let data: Events[K] | undefined;
    return {
      subscribe: (onChange: () => void) =>
        source && !wantsEvents
          ? source.on(type, (event) => {
              data = event.data;
              onChange();
            })
          : nothing,
      get: () => data,
    };
  }, [source, type, wantsEvents]);
  return useSyncExternalStore(latest.subscribe, latest.get, onServer);
}
