/**
 * Opens one stream with each client under test and hands every event's data to `onData`.
 * Bare anchors parse JSON in the listener, the way an app would; ours parses it itself
 * (parse: 'json'), so both sides do the same work per event.
 */
import type { fetchEventSource } from '@microsoft/fetch-event-source';
import type { EventSourcePolyfill as Polyfill } from 'event-source-polyfill';
import type { ResilientEventSource as Ours } from '../../src/index';
import type { Variant } from '../config';

/** What the page's <script> tags define (read from globalThis, not declared globally: the Node typecheck shares one program). */
interface PageGlobals {
  /** dist/resilient-eventsource.umd.min.js */
  ResilientEventSource: typeof Ours;
  /** event-source-polyfill/src/eventsource.min.js */
  EventSourcePolyfill: typeof Polyfill;
  /** @microsoft/fetch-event-source, bundled to an IIFE by bench/bundles.ts */
  FetchEventSource: { fetchEventSource: typeof fetchEventSource };
}

export interface Endpoints {
  /** http(s) URL of the SSE stream */
  sse: string;
  /** ws URL of the same stream */
  ws: string;
}

export interface OpenOptions {
  parse: 'json' | 'text';
  /** For the stall scenario; undefined leaves each client's defaults. */
  heartbeatTimeout?: number;
  initialDelay?: number;
}

export type Close = () => void;

/** Starts `variant` on `endpoints`; returns the function that closes it. Failures go to `onError`. */
export function openClient(
  variant: Variant,
  endpoints: Endpoints,
  options: OpenOptions,
  onData: (data: unknown) => void,
  onError: (error: unknown) => void,
): Close {
  const { ResilientEventSource, EventSourcePolyfill, FetchEventSource } = globalThis as unknown as PageGlobals;
  const decode = options.parse === 'json' ? (raw: string): unknown => JSON.parse(raw) : (raw: string): unknown => raw;
  switch (variant) {
    case 'native': {
      const source = new EventSource(endpoints.sse);
      source.addEventListener('message', (event) => onData(decode(event.data as string)));
      return () => source.close();
    }
    case 'polyfill': {
      const source = new EventSourcePolyfill(
        endpoints.sse,
        options.heartbeatTimeout ? { heartbeatTimeout: options.heartbeatTimeout } : {},
      );
      source.addEventListener('message', (event) => onData(decode((event as MessageEvent).data as string)));
      return () => source.close();
    }
    case 'fetch-event-source': {
      const controller = new AbortController();
      FetchEventSource.fetchEventSource(endpoints.sse, {
        signal: controller.signal,
        openWhenHidden: true,
        onmessage: (message) => onData(decode(message.data)),
        onerror: (error: unknown) => {
          onError(error);
          throw error; // no retry: a failure ends the run
        },
      }).catch((error: unknown) => {
        if (!controller.signal.aborted) onError(error);
      });
      return () => controller.abort();
    }
    case 'websocket': {
      // The anchor for our WebSocket transport: frames carry SSE text; a minimal client slices
      // the data line out of each one-event frame (no general SSE parsing).
      const socket = new WebSocket(endpoints.ws);
      socket.onmessage = (event) => {
        const text = event.data as string;
        const start = text.indexOf('data: ') + 6;
        onData(decode(text.slice(start, text.indexOf('\n', start))));
      };
      socket.onerror = (error) => onError(error);
      return () => {
        socket.onmessage = socket.onerror = null;
        socket.close();
      };
    }
    default: {
      const transport = variant.slice('ours-'.length) as 'native' | 'polyfill' | 'fetch' | 'websocket';
      const source = new ResilientEventSource(endpoints.sse, {
        transport,
        parse: options.parse,
        ...(options.heartbeatTimeout !== undefined ? { heartbeatTimeout: options.heartbeatTimeout } : {}),
        reconnect: { initialDelay: options.initialDelay ?? 1000, jitter: 0 },
        ...(transport === 'websocket' ? { websocket: { url: endpoints.ws, returnToSseAfter: 0 } } : {}),
      });
      source.on('message', (event) => onData(event.data));
      source.onError((error) => {
        // A heartbeat timeout is the stall scenario working as intended.
        if (error.type !== 'heartbeat-timeout') onError(error);
      });
      return () => source.close();
    }
  }
}
