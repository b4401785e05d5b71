import { configError } from '../errors';
import type { Settings } from '../options';
import type { EventSourceConstructor } from '../types';
import { eventSourceTransport, type EventSourceLikeConstructor } from './eventsource';
import { loadPolyfill } from './polyfill-loader';
import type { TransportFactory, TransportName } from './transport';

export const noEventSource = (): never => {
  throw configError("no EventSource in this environment: pass { EventSource }, or use transport 'fetch'");
};

/** Whether this environment can stream a fetch response (checked when asked, not at import). */
export const fetchStreamingSupported = (): boolean =>
  ['fetch', 'ReadableStream', 'AbortController', 'TextDecoder', 'Response'].every(
    (name) => typeof (globalThis as Record<string, unknown>)[name] === 'function',
  ) &&
  // Some older engines shipped fetch without a streamed `response.body`.
  'body' in Response.prototype;

/** The injected EventSource, else the environment's, looked up when needed (never at import). */
const nativeEventSource = (settings: Settings): EventSourceConstructor | undefined =>
  settings.EventSource ?? (globalThis as { EventSource?: EventSourceConstructor }).EventSource;

/** 'auto': native when nothing needs more; fetch when request control is needed and fetch streams; else the polyfill. */
export function chooseTransport(settings: Settings): TransportName {
  const { transport } = settings;
  if (transport === 'native' || (transport === 'auto' && !settings.needsRequestControl)) {
    if (nativeEventSource(settings)) return 'native';
    // Old browsers without EventSource still have XHR for the polyfill; server-side rendering has neither.
    return transport === 'native' || typeof XMLHttpRequest === 'undefined' ? noEventSource() : 'polyfill';
  }
  return transport !== 'auto' ? transport : settings.fetch || fetchStreamingSupported() ? 'fetch' : 'polyfill';
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

// Every transport but native is loaded on first use, so an app pays only for what it connects with:
// bundlers put each in a chunk of its own (the fetch and WebSocket ones share the SSE parser).
const loadFetch = once(() => import('./fetch'));
const loadWebSocket = once(() => import('./websocket'));
const loadEventSourcePolyfill = once(loadPolyfill);

/** The factory for `name`: at once for native, after its module loaded for the others. */
export function loadTransport(name: TransportName, settings: Settings): TransportFactory | Promise<TransportFactory> {
  if (name === 'native') {
    return eventSourceTransport(
      name,
      (nativeEventSource(settings) ?? noEventSource()) as unknown as EventSourceLikeConstructor,
    );
  }
  if (name === 'fetch') return loadFetch().then((module) => module.fetchTransport(settings.fetch));
  if (name === 'websocket') return loadWebSocket().then((module) => module.websocketTransport(settings.WebSocket));
  return loadEventSourcePolyfill().then((ctor) => eventSourceTransport(name, ctor));
}
