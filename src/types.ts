import type { ResilientEventSourceError } from './errors';
import type { TransportName } from './transports/transport';

export type { TransportName } from './transports/transport';
export type { ServerEvent } from './emitter';

/** Where the stream comes from: a URL, or a function called before every connection (token refresh). */
export type UrlInput = string | URL | (() => string | URL | Promise<string | URL>);

/** Request headers, or a function called before every connection that returns them. */
export type HeadersInput = Record<string, string> | (() => Record<string, string> | Promise<Record<string, string>>);

/** Which transport to use. */
export type TransportOption = 'auto' | TransportName;

/** Lifecycle of a ResilientEventSource. */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** Why the state changed. */
export type StateChangeReason =
  /** The server accepted the stream. */
  | 'open'
  /** A network failure or a dropped connection. */
  | 'network'
  /** An HTTP status that is worth retrying (5xx, 408, 429). */
  | 'http'
  /** The stream ended normally; the spec reconnects. */
  | 'ended'
  /** Nothing arrived within `heartbeatTimeout`. */
  | 'heartbeat-timeout'
  /** The browser went offline: attempts pause without being used up. */
  | 'offline'
  /** The browser came back online: reconnect at once. */
  | 'online'
  /** `reconnect()` was called. */
  | 'manual'
  /** `close()` was called. */
  | 'close'
  /** HTTP 204: the server asked the client to stop (spec). */
  | '204'
  /** A failure that retrying cannot fix (4xx other than 408/429, wrong content type, policy close). */
  | 'fatal'
  /** `reconnect.maxAttempts` consecutive failures. */
  | 'max-attempts'
  /** SSE kept failing, so the WebSocket fallback takes over. */
  | 'fallback'
  /** SSE works again, so the WebSocket fallback hands back. */
  | 'return-to-sse'
  /** `share`: another tab took over the shared connection (no backoff, no attempt used). */
  | 'handover';

/** This tab's part in a shared connection (`share`); null when not shared, sharing is unavailable, or closed. */
export type ShareRole = 'leader' | 'follower' | null;

/** One connection for every tab of this origin that uses the same key. */
export interface ShareOptions {
  /**
   * Tabs with the same key share one connection.
   * @defaultValue the resolved URL and every option that changes the request
   */
  key?: string;
}

/** Where `persist` keeps the last event id: sessionStorage, localStorage (new tabs use it too), or nowhere. */
export type PersistOption = 'session' | 'local' | false;

/** What `onStateChange` listeners receive. */
export interface StateChange {
  state: ConnectionState;
  previous: ConnectionState;
  reason: StateChangeReason;
  /** Consecutive failed attempts so far; the first failure after a connection stayed open `resetAfter` ms counts from 1 again. */
  attempt: number;
  /** Milliseconds until the next attempt, when one is scheduled; otherwise null. */
  delay: number | null;
  /** The transport of the current or next connection, if known. */
  transport: TransportName | null;
  /** This tab's role in a shared connection; null when not shared. */
  role: ShareRole;
}

/** Reconnection with exponential backoff and jitter. */
export interface ReconnectOptions {
  /**
   * Delay before the first reconnect attempt, in ms. A valid `retry:` field from the server
   * replaces it, on transports that can see that field (fetch, websocket); a value below 100 ms
   * counts as 100 ms, so a server cannot switch the backoff off.
   * @defaultValue 1000
   */
  initialDelay?: number;
  /**
   * Upper bound of any delay, in ms.
   * @defaultValue 30000
   */
  maxDelay?: number;
  /**
   * Growth per consecutive failure: delay = min(maxDelay, initialDelay × factor^(attempt − 1)).
   * @defaultValue 2
   */
  factor?: number;
  /**
   * Share of each delay (0 to 1) removed at random, so clients do not return in lockstep.
   * @defaultValue 0.5
   */
  jitter?: number;
  /**
   * Consecutive failures after which the source closes with a 'max-attempts' error.
   * @defaultValue Infinity
   */
  maxAttempts?: number;
  /**
   * How long (ms) a connection must stay open before the failure count resets, so a server
   * that accepts and drops at once cannot defeat the backoff.
   * @defaultValue 5000
   */
  resetAfter?: number;
}

/** A WebSocket that carries the same stream as SSE-formatted text frames, used when SSE keeps failing. */
export interface WebSocketFallbackOptions {
  /** ws:// or wss:// URL (http(s) URLs are converted), or a function called before every connection. */
  url: UrlInput;
  /** WebSocket subprotocols. */
  protocols?: string | string[];
  /**
   * Consecutive failed SSE attempts before switching to the WebSocket.
   * @defaultValue 2
   */
  after?: number;
  /**
   * While on the WebSocket, try SSE again this often (ms) and move back when it works; 0 = never.
   * @defaultValue 60000
   */
  returnToSseAfter?: number;
}

/** How event data becomes `event.data`. */
export type ParseOption = 'json' | 'text' | ((raw: string, type: string) => unknown);

/** A constructor compatible with the browser's EventSource. */
export type EventSourceConstructor = new (url: string, init?: { withCredentials?: boolean }) => EventSource;

/** Options of a ResilientEventSource; every one is optional. */
export interface ResilientEventSourceOptions {
  /**
   * 'auto' picks 'fetch' wherever fetch streams response bodies (it sees statuses, comments and
   * `retry:`, which native EventSource hides); native EventSource where fetch cannot stream, or when
   * an `EventSource` is injected; event-source-polyfill where neither works.
   * @defaultValue 'auto'
   */
  transport?: TransportOption;
  /**
   * Request headers (not possible with 'native'), or a function called before every connection.
   * @defaultValue none
   */
  headers?: HeadersInput;
  /**
   * Send cookies and credentials cross-origin.
   * @defaultValue false
   */
  withCredentials?: boolean;
  /**
   * HTTP method for the fetch transport.
   * @defaultValue 'GET'
   */
  method?: string;
  /**
   * Request body for the fetch transport, re-sent on every connection.
   * @defaultValue none
   */
  body?: BodyInit | null;
  /**
   * Milliseconds without any byte, comment or event after which the connection is presumed dead and
   * recreated. On 'native', which shows only events, an open stream is watched only once an event
   * named `heartbeatEvent` has arrived. 0 turns the watchdog off.
   * @defaultValue 45000
   */
  heartbeatTimeout?: number;
  /**
   * Server event name that only proves liveness. Native EventSource hides SSE comments, so there the
   * first such event arms the watchdog (see `heartbeatTimeout`); the SDK always listens to this name.
   * null = none.
   * @defaultValue 'heartbeat'
   */
  heartbeatEvent?: string | null;
  /** Backoff settings; see {@link ReconnectOptions}. */
  reconnect?: ReconnectOptions;
  /**
   * Resume point for the first connection.
   * @defaultValue ''
   */
  lastEventId?: string;
  /**
   * Query parameter that carries the last event id on every reconnect (EventSource cannot send
   * the Last-Event-ID header on a new connection). null = do not add one.
   * @defaultValue 'lastEventId'
   */
  lastEventIdParam?: string | null;
  /**
   * How data becomes `event.data`: JSON.parse, the raw text, or your function of (raw, type).
   * @defaultValue 'json'
   */
  parse?: ParseOption;
  /**
   * Drop events whose id was already delivered (servers whose replay repeats the last event,
   * transport switches). true = a window of 100 recent ids; a number sets the window size.
   * @defaultValue false
   */
  dedupe?: boolean | number;
  /** WebSocket fallback; off unless given. */
  websocket?: WebSocketFallbackOptions;
  /**
   * EventSource constructor for the 'native' transport.
   * @defaultValue globalThis.EventSource
   */
  EventSource?: EventSourceConstructor;
  /**
   * WebSocket constructor for the 'websocket' transport.
   * @defaultValue globalThis.WebSocket
   */
  WebSocket?: typeof WebSocket;
  /**
   * fetch implementation for the 'fetch' transport.
   * @defaultValue globalThis.fetch
   */
  fetch?: typeof fetch;
  /**
   * One connection for all tabs of this origin with the same key: a leader tab (Web Locks) holds it
   * and fans events out (BroadcastChannel). Where either API is missing each tab connects on its own.
   * Needs `resilient-eventsource/share` imported once in the app; without it, construction throws.
   * @defaultValue false
   */
  share?: boolean | ShareOptions;
  /**
   * Keep the last event id in sessionStorage or localStorage under the share key, so a reload resumes
   * from it. An explicit `lastEventId` wins. Needs `resilient-eventsource/share`, as `share` does.
   * @defaultValue false
   */
  persist?: PersistOption;
}

export type StateChangeListener = (change: StateChange) => void;
export type ErrorListener = (error: ResilientEventSourceError) => void;
