/** What went wrong; every error the SDK reports carries one of these. */
export type ResilientEventSourceErrorType =
  /** The connection failed or dropped without an HTTP answer we could see. */
  | 'network'
  /** The server answered with a status or content type that is not an event stream. */
  | 'http'
  /** No event, comment or byte within `heartbeatTimeout`. */
  | 'heartbeat-timeout'
  /** The WebSocket fallback was closed by the server with a policy code. */
  | 'websocket'
  /** `parse` threw for an event's data; the event was not delivered. */
  | 'parse'
  /** A listener threw; the other listeners still ran. */
  | 'listener'
  /** `reconnect.maxAttempts` consecutive failures; the source is closed. */
  | 'max-attempts'
  /** The `url` or `headers` function failed, or returned something unusable. */
  | 'config'
  /** `persist`: the storage threw (private mode, quota); the source goes on without it. */
  | 'storage'
  /**
   * `share`: this tab came back (from the back/forward cache, or reloaded with `persist`) after events
   * the other tabs no longer keep; it goes on from the leader's next event, without those.
   */
  | 'gap';

export interface ResilientEventSourceErrorDetails {
  status?: number;
  closeCode?: number;
  raw?: string;
  eventType?: string;
  attempt?: number;
  cause?: unknown;
}

/**
 * The one error class the SDK throws or reports. Its optional fields are `declare`d: only those a
 * report sets become own properties (Object.assign below).
 */
export class ResilientEventSourceError extends Error {
  readonly type: ResilientEventSourceErrorType;
  /** HTTP status, when the transport revealed one. */
  declare readonly status?: number;
  /** WebSocket close code, for `type: 'websocket'`. */
  declare readonly closeCode?: number;
  /** The raw event data, for `type: 'parse'`. */
  declare readonly raw?: string;
  /** The server event's name, for `type: 'parse'` and `'listener'`. */
  declare readonly eventType?: string;
  /** The consecutive failure count when the error happened. */
  declare readonly attempt?: number;
  declare readonly cause?: unknown;

  constructor(type: ResilientEventSourceErrorType, message: string, details: ResilientEventSourceErrorDetails = {}) {
    super(message);
    this.name = 'ResilientEventSourceError';
    this.type = type;
    Object.assign(this, details);
  }
}

/**
 * Bad configuration, which retrying cannot fix: thrown at construction, or reported as fatal when a
 * `url` or `headers` function or a lazily loaded part turns out unusable. A TypeError, as the platform's
 * own argument errors are; the message names the fix.
 */
export class ConfigError extends TypeError {
  constructor(message: string) {
    super(`ResilientEventSource: ${message}`);
  }
}

export const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Surfaces an error from user code as an uncaught error on a fresh task, never unwinding through our state. */
export const rethrowLater = (error: unknown): void =>
  queueMicrotask(() => {
    throw error;
  });
