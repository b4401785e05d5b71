/**
 * Turns a transport name into its factory. Every transport is loaded on first use, so an app pays
 * at start for none of them and later only for what it connects with: bundlers put each in a chunk
 * of its own (native and the polyfill share the EventSource wrapper; fetch and WebSocket, the SSE parser).
 * Once a module has loaded, later connections get their factory at once.
 */
import { nativeEventSource } from '../environment';
import { noEventSource } from '../transport-choice';
import type { EventSourceConstructor } from '../types';
import type { EventSourceLikeConstructor } from './eventsource';
import { loadPolyfill } from './polyfill-loader';
import type { TransportFactory, TransportName } from './transport';

/** The injected constructors and implementations, each transport taking its own. */
export interface Injected {
  EventSource?: EventSourceConstructor;
  WebSocket?: typeof WebSocket;
  fetch?: typeof fetch;
}

/**
 * Caches a module load, but forgets a failed one, so that the next connection tries again. A loaded
 * module is handed to `use` at once: a reconnect does not wait a turn.
 */
function once<T>(load: () => Promise<T>): <R>(use: (module: T) => R) => R | Promise<R> {
  let loaded: T | undefined;
  let pending: Promise<T> | undefined;
  return (use) => {
    if (loaded) return use(loaded);
    pending ??= load().then(
      (module) => (loaded = module),
      (error: unknown) => {
        pending = undefined;
        throw error;
      },
    );
    return pending.then(use);
  };
}

const withEventSource = once(() => import('./eventsource'));
const withFetch = once(() => import('./fetch'));
const withWebSocket = once(() => import('./websocket'));
const withPolyfill = once(() => Promise.all([import('./eventsource'), loadPolyfill()]));

/** The factory for `name`: at once when its module has loaded, after the load on first use. */
export function loadTransport(name: TransportName, injected: Injected): TransportFactory | Promise<TransportFactory> {
  if (name === 'native') {
    // Checked before the load, so that a missing EventSource fails this attempt at once.
    const NativeEventSource = nativeEventSource(injected.EventSource) ?? noEventSource();
    return withEventSource((module) =>
      module.eventSourceTransport(name, NativeEventSource as unknown as EventSourceLikeConstructor, false),
    );
  }
  if (name === 'fetch') return withFetch((module) => module.fetchTransport(injected.fetch));
  if (name === 'websocket') return withWebSocket((module) => module.websocketTransport(injected.WebSocket));
  return withPolyfill(([module, { EventSource, seesEveryByte }]) =>
    module.eventSourceTransport(name, EventSource, seesEveryByte),
  );
}
