import {
  getCurrentInstance,
  type MaybeRefOrGetter,
  onMounted,
  onScopeDispose,
  type ShallowRef,
  shallowRef,
  toRaw,
  toValue,
  watch,
} from 'vue';
import { acquireSource, type Lease } from '../adapters/registry';
import { sourceKey } from '../adapters/source-key';
import type { ResilientEventSource, ResilientEventSourceOptions, UrlInput } from '../index';

/**
 * The shared source for `url` + `options` (values, refs or getters): one per distinct pair,
 * whichever components ask, closed a grace period after the last effect scope holding it is
 * disposed. Options are compared by content (functions and constructors by identity). When
 * either changes, the old source is let go and the new one opened.
 *
 * In a component it opens on mount, so server rendering opens nothing; the ref holds null until then.
 */
export function useEventSource<Events extends object = Record<string, unknown>>(
  url: MaybeRefOrGetter<UrlInput>,
  options?: MaybeRefOrGetter<ResilientEventSourceOptions | undefined>,
): ShallowRef<ResilientEventSource<Events> | null> {
  const source = shallowRef<ResilientEventSource<Events> | null>(null);
  let lease: Lease<Events> | undefined;
  let started = false;

  const open = (): void => {
    const input = toValue(url);
    const given = toRaw(toValue(options));
    const previous = lease;
    lease = acquireSource<Events>(input, given);
    source.value = lease.source;
    previous?.release();
  };
  const start = (): void => {
    started = true;
    open();
  };

  // Reading every option inside the key makes each of them (deeply, for reactive objects) a dependency.
  watch(
    () => sourceKey(toValue(url), toValue(options)),
    () => started && open(),
  );
  if (getCurrentInstance()) onMounted(start);
  else start();
  onScopeDispose(() => {
    started = false;
    lease?.release();
    lease = undefined;
    source.value = null;
  });
  return source;
}
