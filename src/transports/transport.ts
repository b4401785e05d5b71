/**
 * The contract between ResilientEventSource and one underlying connection.
 * A transport only reports upward through its sink; it never retries, never
 * touches the owner's state, and after `close()` it reports nothing at all.
 */

/** Names of the transports a connection can run on. */
export type TransportName = 'native' | 'polyfill' | 'fetch' | 'websocket';

/** One server event, as the wire carried it (data not yet parsed). */
export interface WireEvent {
  /** Event name; `'message'` for an event without an `event:` field. */
  type: string;
  /** The joined `data:` lines. */
  data: string;
  /**
   * The `id:` field of this event, or `undefined` when the event had none
   * (the owner then keeps the previous last event id, as the spec does).
   */
  id: string | undefined;
  /**
   * Set instead of `id` by a transport whose id is costly to read (native EventSource's
   * `MessageEvent.lastEventId` getter costs more per event than the rest of our work): the last
   * event id after this event is `idFrom.lastEventId`, read only when someone asks for it.
   */
  idFrom?: { readonly lastEventId: string };
}

/** Why a transport stopped. After reporting it, the transport is dead. */
export interface TransportFailure {
  /** HTTP status, where the transport can see it. */
  status?: number;
  /** WebSocket close code, where there is one. */
  closeCode?: number;
  /** The stream ended normally (the spec reconnects on that). */
  ended?: boolean;
  /** The failure can never succeed by retrying (4xx, policy close, bad MIME). */
  fatal?: boolean;
  /** Human-readable detail for the error the owner reports. */
  message: string;
  /** The underlying error or event, if any. */
  cause?: unknown;
}

/** Callbacks a transport reports through. */
export interface TransportSink {
  /** The server accepted the stream. */
  open(): void;
  event(event: WireEvent): void;
  /** Bytes, comments or frames arrived: proof of life for the heartbeat. */
  activity(): void;
  /** The server sent a valid `retry:` field. */
  retry(ms: number): void;
  fail(failure: TransportFailure): void;
}

/** What the owner passes to a transport when it opens one connection. */
export interface TransportRequest {
  /** Fully resolved URL, Last-Event-ID query parameter already applied. */
  url: string;
  /** The last event id to resume from ('' for none). */
  lastEventId: string;
  headers: Record<string, string>;
  withCredentials: boolean;
  /** HTTP method, for transports that can choose one (fetch). */
  method: string;
  /** Request body, for transports that can send one (fetch); re-sent on every connection. */
  body?: BodyInit | null;
  /** Event names the owner wants (only transports that filter by name use it). */
  eventTypes: Iterable<string>;
  /** The owner needs every event's `id` at once (dedupe): no `idFrom`. */
  eagerIds?: boolean;
  /**
   * Send the `Last-Event-ID` header (fetch). Off only where 'auto' chose fetch for a cross-origin stream
   * without request options: the header would cost a CORS preflight that native EventSource never needs.
   */
  lastEventIdHeader?: boolean;
  /** WebSocket subprotocols (WebSocket). */
  protocols?: string | string[];
}

/** One live connection. */
export interface Transport {
  readonly name: TransportName;
  /**
   * Every chunk, comment and frame reaches `sink.activity()`. False for native EventSource, which
   * shows script only its events (and for event-source-polyfill where it falls back to XHR).
   */
  readonly seesEveryByte: boolean;
  /** Start receiving events named `type` (needed by EventSource-based transports). */
  listen(type: string): void;
  /** Detach every handler, then close. Idempotent; nothing is reported afterwards. */
  close(): void;
}

/** Opens one connection; the transport reports through `sink` from then on. */
export type TransportFactory = (request: TransportRequest, sink: TransportSink) => Transport;
