import { backoffDelay } from './backoff';
import { ServerEventEmitter, type ServerEvent } from './emitter';
import { ResilientEventSourceError } from './errors';
import { FallbackPolicy } from './fallback';
import { Heartbeat } from './heartbeat';
import { settingsFrom, type Settings } from './options';
import { isOffline, watchPage } from './page-events';
import { RecentIds } from './recent-ids';
import { chooseTransport, loadTransport, NO_EVENTSOURCE, type TransportEnvironment } from './transports/select';
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

type Timer = ReturnType<typeof setTimeout>;
type Maybe<T> = T | Promise<T>;

const READY_STATE: Record<ConnectionState, 0 | 1 | 2> = { connecting: 0, reconnecting: 0, open: 1, closed: 2 };

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
  readonly #env: TransportEnvironment;
  readonly #urlInput: UrlInput;
  readonly #emitter: ServerEventEmitter;
  readonly #stateListeners = new Set<StateChangeListener>();
  readonly #errorListeners = new Set<ErrorListener>();
  readonly #heartbeat: Heartbeat;
  readonly #recentIds: RecentIds | undefined;
  readonly #fallback: FallbackPolicy;

  #currentState: ConnectionState = 'connecting';
  #connection: Transport | null = null;
  #currentTransport: TransportName | null;
  /** Bumped whenever a connection is started or dropped: callbacks of older ones are ignored. */
  #generation = 0;
  #attempt = 0;
  #openedAt = 0;
  #lastId: string;
  #currentUrl: string;
  /** The server's `retry:` value, which replaces `reconnect.initialDelay`. */
  #serverRetry: number | undefined;
  #retryTimer: Timer | undefined;
  #retryAt = 0;
  #returnTimer: Timer | undefined;
  #unwatchPage: (() => void) | undefined;
  /** close() was called: final, unlike the closed state the source reaches by itself. */
  #disposed = false;

  constructor(url: UrlInput, options: ResilientEventSourceOptions = {}) {
    this.#settings = settingsFrom(options);
    const { headers, method, body } = this.#settings;
    this.#env = {
      EventSource: options.EventSource,
      WebSocket: options.WebSocket,
      fetch: options.fetch,
      needsRequestControl: headers !== undefined || method !== 'GET' || body != null,
    };
    this.#urlInput = url;
    this.#currentUrl = typeof url === 'function' ? '' : resolveUrl(url).href;
    this.#lastId = this.#settings.lastEventId;
    this.#emitter = new ServerEventEmitter((cause, eventType) =>
      this.#report(new ResilientEventSourceError('listener', `a listener for "${eventType}" threw`, { eventType, cause })),
    );
    this.#heartbeat = new Heartbeat(this.#settings.heartbeatTimeout, () => this.#onHeartbeatTimeout());
    this.#recentIds = this.#settings.dedupe > 0 ? new RecentIds(this.#settings.dedupe) : undefined;
    this.#fallback = new FallbackPolicy(this.#settings.websocket, this.#currentUrl ? stableKey(this.#currentUrl) : undefined);
    this.#currentTransport = this.#pickTransport();
    this.#unwatchPage = this.#watchPage();
    this.#connect();
  }

  // ---- public API -------------------------------------------------------------------------

  /** 0 connecting, 1 open, 2 closed, as EventSource. */
  get readyState(): 0 | 1 | 2 {
    return READY_STATE[this.#currentState];
  }

  get state(): ConnectionState {
    return this.#currentState;
  }

  /** The transport of the current (or next) connection; null once closed. */
  get transport(): TransportName | null {
    return this.#currentState === 'closed' ? null : this.#currentTransport;
  }

  /** The id of the last event received; sent on every reconnect. */
  get lastEventId(): string {
    return this.#lastId;
  }

  /** The resolved stream URL (for a function URL, the one it last returned). */
  get url(): string {
    return this.#currentUrl;
  }

  /**
   * Listens to server events named `type` (unnamed events are 'message'). Returns the removal.
   * Connection lifecycle is not here: see {@link onStateChange} and {@link onError}.
   */
  on<K extends keyof Events & string>(type: K, handler: (event: ServerEvent<Events[K], K>) => void): () => void {
    const off = this.#emitter.on(type, handler as (event: ServerEvent) => void);
    this.#connection?.listen(type);
    return off;
  }

  off<K extends keyof Events & string>(type: K, handler: (event: ServerEvent<Events[K], K>) => void): void {
    this.#emitter.off(type, handler as (event: ServerEvent) => void);
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
    if (this.#currentState === 'closed') {
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
    this.#emitter.clear();
    this.#stateListeners.clear();
    this.#errorListeners.clear();
  }

  // ---- connecting ---------------------------------------------------------------------------

  #pickTransport(): TransportName {
    if (this.#fallback.onWebSocket) return 'websocket';
    try {
      return chooseTransport(this.#settings.transport, this.#env);
    } catch (error) {
      if (this.#fallback.sseUnavailable()) return 'websocket';
      throw error;
    }
  }

  /** Starts a connection on the chosen transport. URL, headers and transport may each be async. */
  #connect(): void {
    this.#clearTimers();
    this.#drop();
    const generation = this.#generation;
    this.#heartbeat.start(); // a connection that never answers is a stall too
    let pending: [Maybe<string>, Maybe<Record<string, string>>, Maybe<TransportFactory>];
    try {
      const name = (this.#currentTransport = this.#pickTransport());
      pending = [this.#requestUrl(name), this.#requestHeaders(), loadTransport(name, this.#env)];
    } catch (error) {
      this.#onFailure({ cause: error, message: errorMessage(error), fatal: isConfigError(error) }, 'config');
      return;
    }
    const open = ([url, headers, factory]: [string, Record<string, string>, TransportFactory]): void => {
      if (generation !== this.#generation) return;
      this.#connection = factory(
        {
          url,
          lastEventId: this.#lastId,
          headers,
          withCredentials: this.#settings.withCredentials,
          method: this.#settings.method,
          body: this.#settings.body,
          eventTypes: this.#eventTypes(),
        },
        this.#sink(generation),
      );
    };
    if (pending.some(isPromise)) {
      Promise.all(pending).then(open, (error: unknown) => {
        if (generation === this.#generation) {
          this.#onFailure({ cause: error, message: errorMessage(error), fatal: isConfigError(error) }, 'config');
        }
      });
    } else {
      open(pending as [string, Record<string, string>, TransportFactory]);
    }
  }

  #connectNow(reason: StateChangeReason): void {
    this.#currentTransport = this.#pickTransport();
    this.#setState(this.#currentState === 'connecting' ? 'connecting' : 'reconnecting', reason, 0);
    this.#connect();
  }

  /** Callbacks for one connection; once it is replaced or dropped they do nothing. */
  #sink(generation: number): TransportSink {
    return {
      open: () => generation === this.#generation && this.#onOpen(),
      event: (event) => generation === this.#generation && this.#deliver(event),
      activity: () => generation === this.#generation && this.#heartbeat.touch(),
      retry: (ms) => {
        if (generation === this.#generation) this.#serverRetry = ms;
      },
      fail: (failure) => generation === this.#generation && this.#onFailure(failure),
    };
  }

  #requestUrl(name: TransportName): Maybe<string> {
    const input = name === 'websocket' ? this.#settings.websocket?.url : this.#urlInput;
    if (input === undefined) throw new TypeError(NO_EVENTSOURCE);
    const build = (value: string | URL): string => {
      const resolved = resolveUrl(value);
      if (name !== 'websocket') this.#currentUrl = resolved.href;
      const target = name === 'websocket' ? toWebSocketUrl(resolved) : resolved;
      return withLastEventId(target, this.#settings.lastEventIdParam, this.#lastId);
    };
    if (typeof input !== 'function') return build(input);
    const value = input();
    return isPromise(value) ? value.then(build) : build(value);
  }

  #requestHeaders(): Maybe<Record<string, string>> {
    const { headers } = this.#settings;
    return typeof headers === 'function' ? headers() : { ...headers };
  }

  #eventTypes(): string[] {
    const types = [...this.#emitter.types()];
    const { heartbeatEvent } = this.#settings;
    if (heartbeatEvent !== null && !types.includes(heartbeatEvent)) types.push(heartbeatEvent);
    return types;
  }

  // ---- what a connection reports ------------------------------------------------------------

  #onOpen(): void {
    this.#openedAt = Date.now();
    this.#heartbeat.touch();
    const onWebSocket = this.#currentTransport === 'websocket';
    this.#fallback.opened(onWebSocket);
    const returnAfter = this.#settings.websocket?.returnToSseAfter ?? 0;
    if (onWebSocket && returnAfter > 0) {
      this.#returnTimer = setTimeout(() => {
        this.#fallback.returnToSse();
        this.#connectNow('return-to-sse');
      }, returnAfter);
    }
    this.#setState('open', 'open');
  }

  /** The hot path: one call per server event. */
  #deliver(event: WireEvent): void {
    this.#heartbeat.touch();
    const { id, type } = event;
    if (id !== undefined) {
      if (id !== '' && this.#recentIds?.seen(id)) return;
      this.#lastId = id;
    }
    if (!this.#emitter.has(type)) return;
    let data: unknown;
    try {
      data = this.#settings.parse(event.data, type);
    } catch (cause) {
      this.#report(
        new ResilientEventSourceError('parse', `could not parse the data of a "${type}" event: ${errorMessage(cause)}`, {
          raw: event.data,
          eventType: type,
          cause,
        }),
      );
      return;
    }
    this.#emitter.emit({ type, data, raw: event.data, lastEventId: this.#lastId });
  }

  #onFailure(failure: TransportFailure, errorType?: 'config'): void {
    const transport = this.#currentTransport;
    this.#drop();
    if (failure.status === 204) {
      // [spec] "If res's status is 204 No Content ... fail the connection": the server says stop.
      this.#shutdown('204');
      return;
    }
    this.#report(failureError(failure, transport, this.#attempt, errorType));
    if (failure.fatal) {
      this.#shutdown('fatal');
      return;
    }
    this.#recover(failure.status !== undefined ? 'http' : failure.ended ? 'ended' : 'network');
  }

  #onHeartbeatTimeout(): void {
    this.#report(
      new ResilientEventSourceError('heartbeat-timeout', `nothing received for ${this.#settings.heartbeatTimeout} ms`, {
        attempt: this.#attempt,
      }),
    );
    this.#drop();
    this.#recover('heartbeat-timeout');
  }

  /** After a failed connection: switch to the WebSocket if SSE keeps failing, else back off and retry. */
  #recover(reason: StateChangeReason): void {
    const wasProbing = this.#fallback.probing;
    if (this.#currentTransport !== 'websocket' && this.#fallback.sseFailed()) {
      // A failed trial return goes straight back to the WebSocket that was working.
      if (wasProbing) this.#connectNow('fallback');
      else this.#retry('fallback');
      return;
    }
    this.#retry(reason);
  }

  /** Schedules the next attempt after the backoff delay, or pauses while offline. */
  #retry(reason: StateChangeReason): void {
    // Only a connection that stayed open a while clears the failure count: flapping still backs off.
    if (this.#openedAt && Date.now() - this.#openedAt >= this.#settings.resetAfter) this.#attempt = 0;
    this.#openedAt = 0;
    if (isOffline()) {
      this.#setState('reconnecting', 'offline');
      return;
    }
    this.#attempt++;
    if (this.#attempt >= this.#settings.maxAttempts) {
      this.#report(
        new ResilientEventSourceError('max-attempts', `gave up after ${this.#attempt} consecutive failed attempts`, {
          attempt: this.#attempt,
        }),
      );
      this.#shutdown('max-attempts');
      return;
    }
    this.#currentTransport = this.#pickTransport();
    const delay = backoffDelay(this.#attempt, this.#settings.backoff, this.#serverRetry);
    this.#retryAt = Date.now() + delay;
    this.#setState('reconnecting', reason, delay);
    this.#retryTimer = setTimeout(() => this.#connect(), delay);
  }

  // ---- page events --------------------------------------------------------------------------

  #watchPage(): () => void {
    return watchPage({
      online: () => this.#connectNow('online'),
      offline: () => {
        if (this.#retryTimer === undefined) return;
        this.#clearTimers();
        this.#setState('reconnecting', 'offline');
      },
      visible: () => {
        // Timers in a hidden tab are throttled: catch up on a stall or a reconnect that is due.
        this.#heartbeat.check();
        if (this.#retryTimer !== undefined && Date.now() >= this.#retryAt) this.#connect();
      },
    });
  }

  // ---- teardown -----------------------------------------------------------------------------

  /** Detaches and closes the current connection; its late callbacks are ignored. */
  #drop(): void {
    this.#generation++;
    this.#heartbeat.stop();
    const connection = this.#connection;
    this.#connection = null;
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
      previous: this.#currentState,
      reason,
      attempt: this.#attempt,
      delay,
      transport: state === 'closed' ? null : this.#currentTransport,
    };
    this.#currentState = state;
    for (const listener of [...this.#stateListeners]) {
      try {
        listener(change);
      } catch (cause) {
        this.#report(new ResilientEventSourceError('listener', 'an onStateChange listener threw', { cause }));
      }
    }
  }

  #report(error: ResilientEventSourceError): void {
    for (const listener of [...this.#errorListeners]) {
      try {
        listener(error);
      } catch (thrown) {
        // Never unwind through our state; surface it as an uncaught error on a fresh task.
        queueMicrotask(() => {
          throw thrown;
        });
      }
    }
  }
}

// ---- helpers --------------------------------------------------------------------------------

const isPromise = <T>(value: Maybe<T>): value is Promise<T> =>
  typeof (value as { then?: unknown } | null)?.then === 'function';

const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** A TypeError from our own checks (bad URL, no EventSource) cannot succeed by retrying. */
const isConfigError = (error: unknown): boolean =>
  error instanceof TypeError && error.message.startsWith('ResilientEventSource:');

/** Memory of the working transport is per stream, not per resume point. */
const stableKey = (href: string): string => href.split('?')[0] as string;

function failureError(
  failure: TransportFailure,
  transport: TransportName | null,
  attempt: number,
  errorType: 'config' | undefined,
): ResilientEventSourceError {
  const type = errorType ?? (failure.closeCode !== undefined && failure.fatal ? 'websocket' : failure.status !== undefined ? 'http' : 'network');
  const message = `${transport ?? 'connection'}: ${failure.message ?? 'connection failed'}`;
  return new ResilientEventSourceError(type, message, {
    status: failure.status,
    closeCode: failure.closeCode,
    attempt,
    cause: failure.cause,
  });
}
