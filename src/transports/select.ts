import type { EventSourceConstructor, TransportOption } from '../types';
import { eventSourceTransport, type EventSourceLikeConstructor } from './eventsource';
import { fetchStreamingSupported, fetchTransport } from './fetch';
import type { TransportFactory, TransportName } from './transport';
import { websocketTransport } from './websocket';

/** What the transport choice depends on. */
export interface TransportEnvironment {
  EventSource?: EventSourceConstructor | undefined;
  WebSocket?: typeof WebSocket | undefined;
  fetch?: typeof fetch | undefined;
  /** headers, a method other than GET, or a body were asked for */
  needsRequestControl: boolean;
}

/** The injected EventSource, else the environment's, looked up when needed (never at import). */
export const nativeEventSource = (env: TransportEnvironment): EventSourceConstructor | undefined =>
  env.EventSource ?? (globalThis as { EventSource?: EventSourceConstructor }).EventSource;

/** 'auto': native when nothing needs more; fetch when request control is needed and fetch streams; else the polyfill. */
export function chooseTransport(option: TransportOption, env: TransportEnvironment): TransportName {
  if (option === 'native' || (option === 'auto' && !env.needsRequestControl)) {
    if (nativeEventSource(env)) return 'native';
    // Old browsers without EventSource still have XHR for the polyfill; server-side rendering has neither.
    if (option === 'native' || typeof XMLHttpRequest === 'undefined') throw new TypeError(NO_EVENTSOURCE);
    return 'polyfill';
  }
  if (option !== 'auto') return option;
  return env.fetch || fetchStreamingSupported() ? 'fetch' : 'polyfill';
}

/** The polyfill is loaded on first use only, so apps that never need it do not ship it. */
let polyfill: Promise<EventSourceLikeConstructor> | undefined;
const loadPolyfill = (): Promise<EventSourceLikeConstructor> =>
  (polyfill ??= import('event-source-polyfill').then((module) => {
    const exports = module as unknown as { EventSourcePolyfill?: unknown; default?: { EventSourcePolyfill?: unknown } };
    return (exports.EventSourcePolyfill ?? exports.default?.EventSourcePolyfill) as EventSourceLikeConstructor;
  }));

/** Our own watchdog decides; the polyfill's (45 s by default) is pushed to its maximum. */
const POLYFILL_HEARTBEAT_OFF = 18_000_000;

/** The factory for `name`; the polyfill's arrives asynchronously the first time. */
export function loadTransport(
  name: TransportName,
  env: TransportEnvironment,
): TransportFactory | Promise<TransportFactory> {
  switch (name) {
    case 'native': {
      const ctor = nativeEventSource(env);
      if (!ctor) throw new TypeError(NO_EVENTSOURCE);
      return eventSourceTransport('native', ctor as unknown as EventSourceLikeConstructor, ({ withCredentials }) => ({
        withCredentials,
      }));
    }
    case 'polyfill':
      return loadPolyfill().then((ctor) =>
        eventSourceTransport('polyfill', ctor, ({ withCredentials, headers, lastEventId }) => ({
          withCredentials,
          heartbeatTimeout: POLYFILL_HEARTBEAT_OFF,
          headers: lastEventId ? { 'Last-Event-ID': lastEventId, ...headers } : headers,
        })),
      );
    case 'fetch':
      return fetchTransport(env.fetch);
    case 'websocket':
      return websocketTransport(env.WebSocket);
  }
}

export const NO_EVENTSOURCE =
  'ResilientEventSource: no EventSource in this environment (server-side rendering?). ' +
  'Construct it in the browser, pass { EventSource } to inject one, or choose transport "fetch".';
