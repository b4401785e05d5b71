import { connect, type Source } from './connect';
import type { ServerEvent } from './emitter';
import type { TransportName } from './transports/transport';
import type {
  ConnectionState,
  ErrorListener,
  ResilientEventSourceOptions,
  ShareRole,
  StateChangeListener,
  UrlInput,
} from './types';

/**
 * An EventSource that stays alive: it owns reconnection (close and recreate, with backoff and
 * jitter), detects silent stalls with a heartbeat timeout, resumes from the last event id, and
 * delivers typed server events to isolated listeners.
 *
 * @typeParam Events - map of server event names to their parsed data types.
 */
export class ResilientEventSource<Events extends object = Record<string, unknown>> {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;

  /** The state machine (connection.ts), or this tab's part in a shared one (src/share/); this class adds the types. */
  readonly #source: Source;

  constructor(url: UrlInput, options: ResilientEventSourceOptions = {}) {
    // Sharing and persisting live in resilient-eventsource/share (src/share/), loaded only by apps that import it.
    this.#source = connect(url, options);
  }

  /** This tab's part in a shared connection: 'leader', 'follower', or null (not shared, unavailable, closed). */
  get role(): ShareRole {
    return this.#source.role ?? null;
  }

  /** 0 connecting, 1 open, 2 closed, as EventSource. */
  get readyState(): 0 | 1 | 2 {
    const { state } = this.#source;
    return state === 'open' ? 1 : state === 'closed' ? 2 : 0;
  }

  /** Where the lifecycle is: 'connecting', 'open', 'reconnecting' or 'closed'. */
  get state(): ConnectionState {
    return this.#source.state;
  }

  /** The transport of the current (or next) connection; null once closed. */
  get transport(): TransportName | null {
    return this.#source.transport;
  }

  /** The id of the last event received; sent on every reconnect. */
  get lastEventId(): string {
    return this.#source.lastEventId;
  }

  /** The resolved stream URL (for a function URL, the one it last returned). */
  get url(): string {
    return this.#source.url;
  }

  /**
   * Listens to server events named `type` (unnamed events are 'message'). Returns the removal.
   * Connection lifecycle is not here: see {@link onStateChange} and {@link onError}.
   */
  on<K extends keyof Events & string>(type: K, handler: (event: ServerEvent<Events[K], K>) => void): () => void {
    return this.#source.on(type, handler as (event: ServerEvent) => void);
  }

  off<K extends keyof Events & string>(type: K, handler: (event: ServerEvent<Events[K], K>) => void): void {
    this.#source.off(type, handler as (event: ServerEvent) => void);
  }

  /** Listens to lifecycle changes. Returns the removal. */
  onStateChange(listener: StateChangeListener): () => void {
    return this.#source.onStateChange(listener);
  }

  /** Listens to errors (connection, HTTP, heartbeat, parse, listener). Returns the removal. */
  onError(listener: ErrorListener): () => void {
    return this.#source.onError(listener);
  }

  /**
   * Closes the current connection and opens a new one now. After the source closed itself
   * (204, a fatal status, max attempts) this starts it again; after close() it does nothing.
   */
  reconnect(): void {
    this.#source.reconnect();
  }

  /** Closes for good: no timer, socket, page listener or callback survives. Idempotent. */
  close(): void {
    this.#source.close();
  }
}
