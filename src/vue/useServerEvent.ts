import { type MaybeRefOrGetter, type ShallowRef, shallowRef, toValue, watch } from 'vue';
import type { ResilientEventSource, ServerEvent } from '../index';

/**
 * Calls `handler` with every `type` event of `source`, in order, none dropped, until the effect
 * scope is disposed or the source changes.
 */
export function useServerEvent<Events extends object, K extends keyof Events & string>(
  source: MaybeRefOrGetter<ResilientEventSource<Events> | null>,
  type: K,
  handler: (event: ServerEvent<Events[K], K>) => void,
): void;
/**
 * A ref to the data of the latest `type` event; undefined until one arrives (and again when the
 * source changes). Watchers may skip values in a burst: use the handler form to see every event.
 */
export function useServerEvent<Events extends object, K extends keyof Events & string>(
  source: MaybeRefOrGetter<ResilientEventSource<Events> | null>,
  type: K,
): ShallowRef<Events[K] | undefined>;
export function useServerEvent<Events extends object, K extends keyof Events & string>(
  source: MaybeRefOrGetter<ResilientEventSource<Events> | null>,
  type: K,
  handler?: (event: ServerEvent<Events[K], K>) => void,
): ShallowRef<Events[K] | undefined> | undefined {
  const latest = shallowRef<Events[K]>();
  // The watcher is stopped with the effect scope, and its cleanup removes the listener.
  watch(
    () => toValue(source),
    (now, _, onCleanup) => {
      latest.value = undefined;
      if (now) onCleanup(now.on(type, handler ?? ((event) => (latest.value = event.data))));
    },
    { immediate: true },
  );
  return handler ? undefined : latest;
}
