/**
 * Which transport each connection uses: the whole decision, in one place. First the SSE transport this
 * environment and these options call for ('auto' resolved here); then, when a WebSocket fallback is set,
 * whether to use it instead: switch after `after` consecutive SSE failures, try SSE again now and then,
 * and remember per stream URL which one worked, so that new connections do not walk the failing path again.
 */
import { ConfigError } from './errors';
import { fetchStreamingSupported, globalEventSource, nativeEventSource, xhrSupported } from './environment';
import type { Settings } from './options';
import type { TransportName } from './transports/transport';

/** SSE URLs on which SSE failed and the WebSocket worked, for the page's lifetime. */
const preferWebSocket = new Set<string>();

/** Forgets, for every URL, that the WebSocket worked where SSE did not (for tests: a fresh page). */
export const forgetWorkingTransports = (): void => preferWebSocket.clear();

export const noEventSource = (): never => {
  throw new ConfigError("no EventSource in this environment: pass { EventSource }, or use transport 'fetch'");
};

/** What the choice reads from the settings. */
export type ChoiceSettings = Pick<
  Settings,
  'transport' | 'needsRequestControl' | 'EventSource' | 'fetch' | 'websocket'
>;

/**
 * The SSE transport for these settings here, or undefined when there is none.
 *
 * 'auto' prefers the fetch transport wherever fetch streams a response body, since it sees what native
 * EventSource hides (statuses, comments, `retry:`): so a server that proves liveness with comments only
 * is not mistaken for a stalled one. Native is chosen where fetch cannot stream, or when an EventSource
 * was injected (the caller's choice); event-source-polyfill where neither works but XHR does.
 */
export function sseTransport(settings: ChoiceSettings): TransportName | undefined {
  const { transport } = settings;
  const streams = (): boolean => !!settings.fetch || fetchStreamingSupported();
  // 'websocket' asks for no SSE at all: nothing to return to either.
  if (transport === 'websocket') return undefined;
  if (transport === 'native') return nativeEventSource(settings.EventSource) ? 'native' : undefined;
  if (transport !== 'auto') return transport;
  // Native EventSource cannot send headers, a method or a body.
  if (settings.needsRequestControl) return streams() ? 'fetch' : 'polyfill';
  if (settings.EventSource) return 'native';
  // Where there is no EventSource (server-side rendering, say) 'auto' connects nowhere unless told to.
  if (globalEventSource()) return streams() ? 'fetch' : 'native';
  return xhrSupported() ? 'polyfill' : undefined;
}

export interface TransportChoice {
  /** The next connection's transport: the WebSocket while it is preferred, or when SSE is unavailable here. Throws the reason when neither works. */
  next(): TransportName;
  /**
   * A connection on `transport` failed. 'switch' when this failure moves to the WebSocket;
   * 'probe-failed' when a trial return failed, so the WebSocket that was working is used again at once.
   */
  failed(transport: TransportName): 'switch' | 'probe-failed' | undefined;
  /** A connection on `transport` opened. */
  opened(transport: TransportName): void;
  /** Time to try SSE again: false when SSE is unavailable here, so there is nothing to return to. */
  returnToSse(): boolean;
}

/** `key` is the SSE URL, or undefined when it is computed per connection. */
export function createTransportChoice(settings: ChoiceSettings, key: string | undefined): TransportChoice {
  const { websocket } = settings;
  /** The next connection goes over the WebSocket. */
  let onWebSocket = !!websocket && !!key && preferWebSocket.has(key);
  /** The current SSE attempt is a trial return from the WebSocket. */
  let probing = false;
  let sseFailures = 0;

  return {
    next() {
      if (onWebSocket) return 'websocket';
      const sse = sseTransport(settings);
      if (sse) return sse;
      if (!websocket) return noEventSource();
      onWebSocket = true;
      return 'websocket';
    },

    failed(transport) {
      if (!websocket || onWebSocket || transport === 'websocket') return;
      if (probing || ++sseFailures >= websocket.after) {
        const wasProbing = probing;
        probing = false;
        onWebSocket = true;
        if (key) preferWebSocket.add(key);
        return wasProbing ? 'probe-failed' : 'switch';
      }
    },

    opened(transport) {
      if (transport === 'websocket') return;
      probing = false;
      sseFailures = 0;
      if (key) preferWebSocket.delete(key);
    },

    returnToSse() {
      if (!sseTransport(settings)) return false;
      onWebSocket = false;
      probing = true;
      return true;
    },
  };
}
