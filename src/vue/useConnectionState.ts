import { type MaybeRefOrGetter, type Ref, shallowRef, toRef, toValue, watch } from 'vue';
import { CONNECTING, type ConnectionStatus, statusOf, subscribeStatus } from '../adapters/connection-status';
import type { ResilientEventSource } from '../index';

/** Each field of the status as a read-only ref, so it can be destructured. */
export type ConnectionStatusRefs = { readonly [K in keyof ConnectionStatus]: Readonly<Ref<ConnectionStatus[K]>> };

/** The state of `source` with the retry under way; 'connecting' while there is no source yet (and on the server). */
export function useConnectionState<Events extends object>(
  source: MaybeRefOrGetter<ResilientEventSource<Events> | null>,
): ConnectionStatusRefs {
  const status = shallowRef<ConnectionStatus>(CONNECTING);
  watch(
    () => toValue(source),
    (now, _, onCleanup) => {
      status.value = now ? statusOf(now) : CONNECTING;
      if (now) onCleanup(subscribeStatus(now, () => (status.value = statusOf(now))));
    },
    { immediate: true },
  );
  const field = (name: keyof ConnectionStatus) => [name, toRef(() => status.value[name])];
  return Object.fromEntries(
    Object.keys(CONNECTING).map((name) => field(name as keyof ConnectionStatus)),
  ) as ConnectionStatusRefs;
}
