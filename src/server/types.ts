/** Public types of `resilient-eventsource/server`. */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/** What `publish()` accepts. Ids are assigned by the log, so they stay ordered across nodes. */
export interface PublishInput {
  /** Event name; absent or empty means the default `message`. Must not contain CR, LF or NUL. */
  event?: string;
  /** A string is sent as is; anything else is sent as its JSON text. */
  data: unknown;
}

/** An event as the log holds it: its id and name, and its data already serialised. */
export interface StoredEvent {
  readonly id: string;
  readonly event?: string;
  readonly data: string;
}

/** An event that passed validation and waits for its id. */
export interface NewEvent {
  readonly event?: string;
  readonly data: string;
}

/** What a connection resuming after an id is sent before live events. */
export interface Replay {
  /** Set when the requested id is no longer (or never was) in the log: a gap, not a resume. */
  reset?: { requested: string; oldest: string | null };
  /** Events to send before live ones, oldest first. */
  events: StoredEvent[];
}

/** Live events (in log order) and a failure of the log itself, for one subscriber. */
export interface LogSubscriber {
  event(event: StoredEvent): void;
  /** The log can no longer deliver (e.g. Redis went away): connections should end so clients resume later. */
  error(error: Error): void;
}

/** The storage behind a stream: `memoryLog()` and `redisLog()` implement it. */
export interface EventLog {
  append(event: NewEvent): Promise<StoredEvent>;
  /** Everything after `lastEventId` (null: a fresh client, nothing to replay). */
  replay(lastEventId: string | null): Promise<Replay>;
  /** Calls the subscriber for every event appended from now on, in order; returns the unsubscribe. */
  subscribe(subscriber: LogSubscriber): () => void;
  /** Orders two ids of this log: negative when `a` comes first. */
  compare(a: string, b: string): number;
  /** Stops background work (the Redis read loop); does not close a client it was given. */
  close(): Promise<void>;
}

/** How a refused connection is answered: 204 tells clients to stop for good, 401/403 that access is denied. */
export type RefusalStatus = 204 | 401 | 403;

/** The request as `authorize` sees it, whichever entry point received it. */
export interface ConnectionRequest {
  readonly url: URL;
  readonly headers: Headers;
  /** The Node request, when the connection came through `handle()` or `attachWebSocket()`. */
  readonly raw?: IncomingMessage;
}

export interface EventStreamOptions {
  /**
   * Where events are kept for replay.
   * @defaultValue `memoryLog({ capacity: 10_000 })`
   */
  log?: EventLog;
  /**
   * Heartbeat period in ms: each tick sends a comment and an `event: heartbeat`, so native
   * EventSource clients can observe it too. `0` or `false` turns heartbeats off.
   * @defaultValue 15_000
   */
  heartbeat?: number | false;
  /**
   * The `retry:` (ms) sent first on every stream.
   * @defaultValue 2_000
   */
  retry?: number;
  /**
   * Bytes a connection may have waiting to be sent. Past it the connection is closed and the
   * client reconnects and resumes from its last id.
   * @defaultValue 1_048_576 (1 MB)
   */
  maxBufferedBytes?: number;
  /**
   * Decides whether a connection may open: return (or resolve) `true` to accept, `false` to refuse
   * with `refuseStatus`, or a status to refuse with that one.
   */
  authorize?: (request: ConnectionRequest) => boolean | RefusalStatus | Promise<boolean | RefusalStatus>;
  /**
   * The status a refused connection gets when `authorize` returns `false`.
   * @defaultValue 403
   */
  refuseStatus?: RefusalStatus;
  /** Called with errors the stream survives (a failing log, a throwing `authorize`). @defaultValue none */
  onError?: (error: Error) => void;
}

export interface AttachWebSocketOptions {
  /**
   * The path upgrades are accepted on; other upgrades are left to other listeners.
   * @defaultValue '/ws'
   */
  path?: string;
}

export interface EventStream {
  /** Appends an event and fans it out; resolves with its id. Rejects on bad input or when the log fails. */
  publish(input: PublishInput): Promise<string>;
  /** Serves one SSE connection on a Node request (Node http, express, fastify's raw req/res). */
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** Serves one SSE connection as a Web-standard Response (Hono, Bun, Deno). */
  fetch(request: Request): Promise<Response>;
  /** Serves the WebSocket bridge (one text frame per SSE event) on an http server's upgrades. Returns the detach. */
  attachWebSocket(server: Server, options?: AttachWebSocketOptions): () => void;
  /** Open connections, whatever the entry point. */
  readonly connectionCount: number;
  /** Ends every connection cleanly, stops the heartbeat and the log; clients resume elsewhere. */
  close(): Promise<void>;
}
