import { configError } from '../errors';
import type { Settings } from '../options';
import type { EventSourceConstructor } from '../types';
import { eventSourceTransport, type EventSourceLikeConstructor } from './eventsource';
import { fetchStreamingSupported, fetchTransport } from './fetch';
import type { TransportFactory, TransportName } from './transport';
import { websocketTransport } from './websocket';

export const noEventSource = (): never => {
  throw configError("no EventSource in this environment: pass { EventSource }, or use transport 'fetch'");
};

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

/** The polyfill is loaded on first use only, so apps that never need it do not ship it. */
let polyfill: Promise<EventSourceLikeConstructor> | undefined;

/** The factory for `name`; the polyfill's arrives asynchronously the first time. */
export function loadTransport(name: TransportName, settings: Settings): TransportFactory | Promise<TransportFactory> {
  if (name === 'fetch') return fetchTransport(settings.fetch);
  if (name === 'websocket') return websocketTransport(settings.WebSocket);
  if (name === 'native') {
    return eventSourceTransport(name, (nativeEventSource(settings) ?? noEventSource()) as unknown as EventSourceLikeConstructor);
  }
  polyfill ??= import('event-source-polyfill').then((module) => {
    // CommonJS interop: the named export, or the one on the default export.
    const exports = module as unknown as { EventSourcePolyfill?: unknown; default?: { EventSourcePolyfill?: unknown } };
    return (exports.EventSourcePolyfill ?? exports.default?.EventSourcePolyfill) as EventSourceLikeConstructor;
  });
  return polyfill.then((ctor) => eventSourceTransport(name, ctor));
}
