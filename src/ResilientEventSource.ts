import { backoffDelay } from './backoff';
import { callEach, createEmitter, type ServerEvent, type ServerEventEmitter } from './emitter';
import {
  isConfigError,
  messageOf,
  ResilientEventSourceError,
  rethrowLater,
  type ResilientEventSourceErrorDetails,
  type ResilientEventSourceErrorType,
} from './errors';
import { fallbackPolicy, type FallbackPolicy } from './fallback';
import { createHeartbeat, type Heartbeat } from './heartbeat';
import { settingsFrom, type Settings } from './options';
import { isOffline, watchPage } from './page-events';
import { recentIds } from './recent-ids';
import { loadTransport, noEventSource } from './transports/select';
import type { Transport, TransportFactory, TransportFailure, TransportName, TransportSink, WireEvent } from './transports/transport';
import type {
  ConnectionState,
  ErrorListener,
  ResilientEventSourceOptions,
  StateChange,
  StateChangeListener,
  StateChangeReason,
  UrlInput,
} from './types';
import { resolveUrl, toWebSocketUrl, withLastEventId } from './url';

type Maybe<T> = T | Promise<T>;

const isPromise = <T>(value: Maybe<T>): value is Promise<T> =>
  typeof (value as { then?: unknown } | null)?.then === 'function';

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

  readonly #settings: Settings;
  readonly #urlInput: UrlInput;
  readonly #events: ServerEventEmitter;
  readonly #stateListeners = new Set<StateChangeListener>();
  readonly #errorListeners = new Set<ErrorListener>();
  readonly #heartbeat: Heartbeat;
  readonly #seen: (id: string) => boolean;
  readonly #fallback: FallbackPolicy;
  /** What every connection reports to. Transports report nothing once closed, and the one in use is the only one open. */
  readonly #sink: TransportSink;

  #state: ConnectionState = 'connecting';
  #connection: Transport | undefined;
  /** The transport of the current or next connection. */
  #transport!: TransportName;
  /** Bumped whenever a connection is started or dropped. */
  #generation = 0;
  #attempt = 0;
  #openedAt = 0;
  #lastId: string;
  #url: string;
  /** The server's `retry:` value, which replaces `reconnect.initialDelay`. */
  #serverRetry: number | undefined;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #retryAt = 0;
  #returnTimer: ReturnType<typeof setTimeout> | undefined;
  #unwatchPage: (() => void) | undefined;
  /** close() was called: final, unlike the closed state the source reaches by itself. */
  #disposed = false;

  constructor(url: UrlInput, options: ResilientEventSourceOptions = {}) {
    const settings = (this.#settings = settingsFrom(options));
    this.#urlInput = url;
    this.#url = typeof url === 'function' ? '' : resolveUrl(url).href;
    this.#lastId = settings.lastEventId;
    this.#events = createEmitter((cause, eventType) =>
      this.#error('listener', `a listener for "${eventType}" threw`, { eventType, cause }),
    );
    this.#heartbeat = createHeartbeat(settings.heartbeatTimeout, () =>
      this.#onFailure({ message: `nothing received for ${settings.heartbeatTimeout} ms` }, 'heartbeat-timeout'),
    );
    this.#seen = recentIds(settings.dedupe);
    // Memory of the working transport is per stream, not per resume point: the URL without its query.
    this.#fallback = fallbackPolicy(settings, this.#url.split('?')[0] || undefined);
    this.#sink = {
      open: () => {
        this.#openedAt = Date.now();
        this.#heartbeat.touch();
        this.#fallback.opened(this.#transport);
        const returnAfter = settings.websocket?.returnToSseAfter;
        if (this.#transport === 'websocket' && returnAfter) {
          this.#returnTimer = setTimeout(() => {
            this.#fallback.returnToSse();
            this.#connectNow('return-to-sse');
          }, returnAfter);
        }
        this.#setState('open', 'open');
      },
      event: (event) => this.#deliver(event),
      activity: () => this.#heartbeat.touch(),
      retry: (ms) => {
        this.#serverRetry = ms;
      },
      fail: (failure) => this.#onFailure(failure),
    };
    this.#pickTransport(); // throws here, at construction, when there is no way to connect
    this.#unwatchPage = this.#watchPage();
    this.#connect();
  }

  // ---- public API -------------------------------------------------------------------------

  /** 0 connecting, 1 open, 2 closed, as EventSource. */
  get readyState(): 0 | 1 | 2 {
    return this.#state === 'open' ? 1 : this.#state === 'closed' ? 2 : 0;
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /** The transport of the current (or next) connection; null once closed. */
  get transport(): TransportName | null {
    return this.#state === 'closed' ? null : this.#transport;
  }

  /** The id of the last event received; sent on every reconnect. */
  get lastEventId(): string {
    return this.#lastId;
  }

  /** The resolved stream URL (for a function URL, the one it last returned). */
  get url(): string {
    return this.#url;
  }

  /**
   * Listens to server events named `type` (unnamed events are 'message'). Returns the removal.
   * Connection lifecycle is not here: see {@link onStateChange} and {@link onError}.
   */
  on<K extends keyof Events & string>(type: K, handler: (event: ServerEvent<Events[K], K>) => void): () => void {
    const off = this.#events.on(type, handler as (event: ServerEvent) => void);
    this.#connection?.listen(type);
    return off;
  }

  off<K extends keyof Events & string>(type: K, handler: (event: ServerEvent<Events[K], K>) => void): void {
    this.#events.off(type, handler as (event: ServerEvent) => void);
  }

  /** Listens to lifecycle changes. Returns the removal. */
  onStateChange(listener: StateChangeListener): () => void {
    this.#stateListeners.add(listener);
    return () => this.#stateListeners.delete(listener);
  }

  /** Listens to errors (connection, HTTP, heartbeat, parse, listener). Returns the removal. */
  onError(listener: ErrorListener): () => void {
    this.#errorListeners.add(listener);
    return () => this.#errorListeners.delete(listener);
  }

  /**
   * Closes the current connection and opens a new one now. After the source closed itself
   * (204, a fatal status, max attempts) this starts it again; after close() it does nothing.
   */
  reconnect(): void {
    if (this.#disposed) return;
    if (this.#state === 'closed') {
      this.#attempt = 0;
      this.#unwatchPage = this.#watchPage();
    }
    this.#connectNow('manual');
  }

  /** Closes for good: no timer, socket, page listener or callback survives. Idempotent. */
  close(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#shutdown('close');
    this.#events.clear();
    this.#stateListeners.clear();
    this.#errorListeners.clear();
  }

  // ---- connecting ---------------------------------------------------------------------------

  #pickTransport(): TransportName {
    return (this.#transport = this.#fallback.transport());
  }

  /** Starts a connection on the chosen transport. URL, headers and transport may each be async. */
  #connect(): void {
    this.#clearTimers();
    this.#drop();
    // Set when this attempt is superseded (a new one, a drop, a close) while its URL, headers or transport load.
    const generation = this.#generation;
    const settings = this.#settings;
    this.#heartbeat.start(); // a connection that never answers is a stall too
    const fail = (error: unknown): void => {
      if (generation === this.#generation) {
        this.#onFailure({ cause: error, message: messageOf(error), fatal: isConfigError(error) }, 'config');
      }
    };
    const open = ([url, headers, factory]: [string, Record<string, string>, TransportFactory]): void => {
      if (generation !== this.#generation) return;
      const types = this.#events.types();
      const { heartbeatEvent } = settings;
      this.#connection = factory(
        {
          ...settings,
          url,
          headers,
          lastEventId: this.#lastId,
          // The SDK always listens to the heartbeat event, which EventSource needs to see it.
          eventTypes: heartbeatEvent === null ? types : [...types, heartbeatEvent],
        },
        this.#sink,
      );
    };
    let pending: [Maybe<string>, Maybe<Record<string, string>>, Maybe<TransportFactory>];
    try {
      const name = this.#pickTransport();
      const { headers } = settings;
      pending = [
        this.#requestUrl(name),
        typeof headers === 'function' ? headers() : { ...headers },
        loadTransport(name, settings),
      ];
    } catch (error) {
      return fail(error);
    }
    if (pending.some(isPromise)) Promise.all(pending).then(open, fail);
    else open(pending as [string, Record<string, string>, TransportFactory]);
  }

  #connectNow(reason: StateChangeReason): void {
    this.#pickTransport();
    this.#setState(this.#state === 'connecting' ? 'connecting' : 'reconnecting', reason, 0);
    this.#connect();
  }

  /** The URL of the next request, the last event id applied; also updates `url` for SSE. */
  #requestUrl(name: TransportName): Maybe<string> {
    const onWebSocket = name === 'websocket';
    const input = onWebSocket ? this.#settings.websocket?.url : this.#urlInput;
    if (input === undefined) noEventSource();
    const build = (value: string | URL): string => {
      const url = resolveUrl(value);
      if (!onWebSocket) this.#url = url.href;
      return withLastEventId(onWebSocket ? toWebSocketUrl(url) : url, this.#settings.lastEventIdParam, this.#lastId);
    };
    const value = typeof input === 'function' ? input() : (input as string | URL);
    return isPromise(value) ? value.then(build) : build(value);
  }

  // ---- what a connection reports ------------------------------------------------------------

  /** The hot path: one call per server event. */
  #deliver({ type, data, id }: WireEvent): void {
    this.#heartbeat.touch();
    if (id !== undefined) {
      if (id && this.#seen(id)) return;
      this.#lastId = id;
    }
    if (!this.#events.has(type)) return;
    let parsed: unknown;
    try {
      parsed = this.#settings.parse(data, type);
    } catch (cause) {
      return this.#error('parse', `cannot parse a "${type}" event: ${messageOf(cause)}`, { raw: data, eventType: type, cause });
    }
    this.#events.emit({ type, data: parsed, raw: data, lastEventId: this.#lastId });
  }

  /** A connection failed (or, with `errorType`, could not be made, or stalled): stop, or recover. */
  #onFailure(failure: TransportFailure, errorType?: 'config' | 'heartbeat-timeout'): void {
    const { status, closeCode, fatal } = failure;
    this.#drop();
    // [spec] "If res's status is 204 No Content ... fail the connection": the server says stop.
    if (status === 204) return this.#shutdown('204');
    this.#error(
      errorType ?? (closeCode !== undefined && fatal ? 'websocket' : status !== undefined ? 'http' : 'network'),
      `${this.#transport}: ${failure.message}`,
      { status, closeCode, attempt: this.#attempt, cause: failure.cause },
    );
    if (fatal) return this.#shutdown('fatal');
    // Switch to the WebSocket if SSE keeps failing; a failed trial return goes straight back to it.
    const switched = this.#fallback.failed(this.#transport);
    if (switched === 'probe-failed') return this.#connectNow('fallback');
    this.#retry(
      switched
        ? 'fallback'
        : status !== undefined
          ? 'http'
          : failure.ended
            ? 'ended'
            : errorType === 'heartbeat-timeout'
              ? errorType
              : 'network',
    );
  }

  /** Schedules the next attempt after the backoff delay, or pauses while offline. */
  #retry(reason: StateChangeReason): void {
    const { reconnect } = this.#settings;
    // Only a connection that stayed open a while clears the failure count: flapping still backs off.
    if (this.#openedAt && Date.now() - this.#openedAt >= reconnect.resetAfter) this.#attempt = 0;
    this.#openedAt = 0;
    if (isOffline()) return this.#setState('reconnecting', 'offline');
    const attempt = ++this.#attempt;
    if (attempt >= reconnect.maxAttempts) {
      this.#error('max-attempts', `gave up after ${attempt} failed attempts in a row`, { attempt });
      return this.#shutdown('max-attempts');
    }
    this.#pickTransport();
    const delay = backoffDelay(attempt, reconnect, this.#serverRetry);
    this.#retryAt = Date.now() + delay;
    this.#setState('reconnecting', reason, delay);
    this.#retryTimer = setTimeout(() => this.#connect(), delay);
  }

  #watchPage(): () => void {
    return watchPage(
      () => this.#connectNow('online'),
      () => {
        if (this.#retryTimer === undefined) return;
        this.#clearTimers();
        this.#setState('reconnecting', 'offline');
      },
      () => {
        // Timers in a hidden tab are throttled: catch up on a stall or a reconnect that is due.
        this.#heartbeat.check();
        if (this.#retryTimer !== undefined && Date.now() >= this.#retryAt) this.#connect();
      },
    );
  }

  // ---- teardown -----------------------------------------------------------------------------

  /** Closes the current connection (a closed transport reports nothing more). */
  #drop(): void {
    this.#generation++;
    this.#heartbeat.stop();
    const connection = this.#connection;
    this.#connection = undefined;
    connection?.close();
  }

  #clearTimers(): void {
    clearTimeout(this.#retryTimer);
    clearTimeout(this.#returnTimer);
    this.#retryTimer = this.#returnTimer = undefined;
  }

  /** The one ordered teardown: timers, connection, page listeners, then the closed state. */
  #shutdown(reason: StateChangeReason): void {
    this.#clearTimers();
    this.#drop();
    this.#unwatchPage?.();
    this.#unwatchPage = undefined;
    this.#setState('closed', reason);
  }

  // ---- reporting ----------------------------------------------------------------------------

  #setState(state: ConnectionState, reason: StateChangeReason, delay: number | null = null): void {
    const change: StateChange = {
      state,
      previous: this.#state,
      reason,
      attempt: this.#attempt,
      delay,
      transport: state === 'closed' ? null : this.#transport,
    };
    this.#state = state;
    callEach(this.#stateListeners, change, (cause) =>
      this.#error('listener', 'an onStateChange listener threw', { cause }),
    );
  }

  #error(type: ResilientEventSourceErrorType, message: string, details: ResilientEventSourceErrorDetails): void {
    callEach(this.#errorListeners, new ResilientEventSourceError(type, message, details), rethrowLater);
  }
}
