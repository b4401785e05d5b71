import type { Settings } from './options';
import { chooseTransport } from './transports/select';
import type { TransportName } from './transports/transport';

/** SSE URLs on which SSE failed and the WebSocket worked, for the page's lifetime. */
const preferWebSocket = new Set<string>();

export type FallbackPolicy = ReturnType<typeof fallbackPolicy>;

/**
 * Picks each connection's transport, deciding between SSE and the WebSocket fallback: switch after
 * `after` consecutive SSE failures, try SSE again now and then, and remember per URL which one worked
 * so that new connections do not walk the failing path again. `key` is the SSE URL, or undefined
 * when it is computed per connection.
 */
export function fallbackPolicy(settings: Settings, key: string | undefined) {
  const { websocket } = settings;
  /** The next connection goes over the WebSocket. */
  let onWebSocket = !!websocket && !!key && preferWebSocket.has(key);
  /** The current SSE attempt is a trial return from the WebSocket. */
  let probing = false;
  let sseFailures = 0;
  /** The SSE transport this environment offers, or undefined when it has none. */
  const sseTransport = (): TransportName | undefined => {
    try {
      return chooseTransport(settings);
    } catch {
      return undefined;
    }
  };

  return {
    /** The next connection's transport: the WebSocket while it is preferred, or when SSE is unavailable here. */
    transport(): TransportName {
      if (onWebSocket) return 'websocket';
      const sse = sseTransport();
      if (sse) return sse;
      if (!websocket) return chooseTransport(settings); // throws the reason SSE is unavailable
      onWebSocket = true;
      return 'websocket';
    },

    /**
     * A connection on `transport` failed. 'switch' when this failure moves to the WebSocket;
     * 'probe-failed' when a trial return failed, so the WebSocket that was working is used again at once.
     */
    failed(transport: TransportName): 'switch' | 'probe-failed' | undefined {
      if (!websocket || onWebSocket || transport === 'websocket') return;
      if (probing || ++sseFailures >= websocket.after) {
        const wasProbing = probing;
        probing = false;
        onWebSocket = true;
        if (key) preferWebSocket.add(key);
        return wasProbing ? 'probe-failed' : 'switch';
      }
    },

    opened(transport: TransportName): void {
      if (transport === 'websocket') return;
      probing = false;
      sseFailures = 0;
      if (key) preferWebSocket.delete(key);
    },

    /** Time to try SSE again: false when SSE is unavailable here, so there is nothing to return to. */
    returnToSse(): boolean {
      if (!sseTransport()) return false;
      onWebSocket = false;
      probing = true;
      return true;
    },
  };
}
