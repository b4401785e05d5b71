/**
 * Turns a transport name into its factory. Every transport but native is loaded on first use, so an
 * app pays only for what it connects with: bundlers put each in a chunk of its own (the fetch and
 * WebSocket ones share the SSE parser).
 */
import { nativeEventSource } from '../environment';
import { noEventSource } from '../transport-choice';
import type { EventSourceConstructor } from '../types';
import { eventSourceTransport, type EventSourceLikeConstructor } from './eventsource';
import { loadPolyfill } from './polyfill-loader';
import type { TransportFactory, TransportName } from './transport';

/** The injected constructors and implementations, each transport taking its own. */
export interface Injected {
  EventSource?: EventSourceConstructor;
  WebSocket?: typeof WebSocket;
  fetch?: typeof fetch;
}

/** Caches a module load, but forgets a failed one, so that the next connection tries again. */
function once<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () =>
    (pending ??= load().catch((error: unknown) => {
      pending = undefined;
      throw error;
    }));
}

const loadFetch = once(() => import('./fetch'));
const loadWebSocket = once(() => import('./websocket'));
const loadEventSourcePolyfill = once(loadPolyfill);

/** The factory for `name`: at once for native, after its module loaded for the others. */
export function loadTransport(name: TransportName, injected: Injected): TransportFactory | Promise<TransportFactory> {
  if (name === 'native') {
    const NativeEventSource = nativeEventSource(injected.EventSource) ?? noEventSource();
    return eventSourceTransport(name, NativeEventSource as unknown as EventSourceLikeConstructor, false);
  }
  if (name === 'fetch') return loadFetch().then((module) => module.fetchTransport(injected.fetch));
  if (name === 'websocket') return loadWebSocket().then((module) => module.websocketTransport(injected.WebSocket));
  return loadEventSourcePolyfill().then(({ EventSource, seesEveryByte }) =>
    eventSourceTransport(name, EventSource, seesEveryByte),
  );
}
