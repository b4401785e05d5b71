/**
 * The state machine behind a ResilientEventSource: it owns reconnection (close and recreate, with backoff
 * and jitter), detects silent stalls with a heartbeat timeout, resumes from the last event id, and delivers
 * server events to isolated listeners. The public class (ResilientEventSource.ts) documents each member
 * and delegates to the `Connection` made here; tab sharing may put another implementation behind it.
 *
 * Reading order: `connect()` starts an attempt; the transport reports to `sink`; a failure goes to
 * `onFailure()`, which reports it and hands over to `retry()` (the next attempt after the backoff) or
 * `shutdown()`; every state change goes through `transition()`.
 */
import { backoffDelay } from './backoff';
import { callEach, createEmitter, type ServerEvent } from './emitter';
import { ConfigError, messageOf, ResilientEventSourceError, rethrowLater } from './errors';
import type { ResilientEventSourceErrorDetails, ResilientEventSourceErrorType } from './errors';
import { errorTypeOf, type FailureKind, retryReasonOf } from './failure';
import { createHeartbeat } from './heartbeat';
import { pageOrigin } from './environment';
import { settingsFrom } from './options';
import { isOffline, watchPage } from './page-events';
import { ReceivedEvent } from './received-event';
import { recentIds } from './recent-ids';
import { createTransportChoice, noEventSource } from './transport-choice';
import { loadTransport } from './transports/load';
import type {
  Transport,
  TransportFactory,
  TransportFailure,
  TransportName,
  TransportRequest,
  TransportSink,
  WireEvent,
} from './transports/transport';
import type {
  ConnectionState,
  ErrorListener,
  ResilientEventSourceOptions,
  StateChangeListener,
  StateChangeReason,
  UrlInput,
} from './types';
import { resolveUrl, withLastEventId } from './url';

/** What the public class needs from the implementation behind it (documented on the class). */
export interface Connection {
  readonly state: ConnectionState;
  readonly transport: TransportName | null;
  readonly lastEventId: string;
  readonly url: string;
  on(type: string, handler: (event: ServerEvent) => void): () => void;
  off(type: string, handler: (event: ServerEvent) => void): void;
  onStateChange(listener: StateChangeListener): () => void;
  onError(listener: ErrorListener): () => void;
  reconnect(): void;
  close(): void;
}

type Maybe<T> = T | Promise<T>;

/** The least a server's `retry:` can set the first delay to (ms). */
const MIN_SERVER_RETRY = 100;

const isPromise = <T>(value: Maybe<T>): value is Promise<T> =>
  typeof (value as { then?: unknown } | null)?.then === 'function';

/** Adds `listener` to `listeners`; returns its removal. */
const subscribe = <T>(listeners: Set<T>, listener: T): (() => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

export function createConnection(urlInput: UrlInput, options: ResilientEventSourceOptions): Connection {
  const settings = settingsFrom(options);
  const { heartbeatEvent } = settings;
  const stateListeners = new Set<StateChangeListener>();
  const errorListeners = new Set<ErrorListener>();
  const heartbeat = createHeartbeat(settings.heartbeatTimeout, () =>
    onFailure({ message: `nothing received for ${settings.heartbeatTimeout} ms` }, 'heartbeat-timeout'),
  );
  // Off by default, and then not even called: this runs once per event.
  const seen = settings.dedupe > 0 ? recentIds(settings.dedupe) : undefined;
  const events = createEmitter((cause, eventType) =>
    error('listener', `"${eventType}" listener threw`, { eventType, cause }),
  );

  let current: Transport | undefined;
  /** The transport of the current or next connection. */
  let transport: TransportName;
  /**
   * Bumped by every state change and every dropped connection. A callback that captured an older value
   * (an attempt still loading, a listener's caller) is stale: something newer happened meanwhile.
   */
  let epoch = 0;
  let attempt = 0;
  let openedAt = 0;
  /** The server's `retry:` value, which replaces `reconnect.initialDelay`. */
  let serverRetry: number | undefined;
  /**
   * The server sent a heartbeat event. Until then, a transport that cannot see every byte (native) is
   * not watched once open: comments, which it cannot see, may be all that keeps the stream alive.
   */
  let heartbeatShown = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let retryAt = 0;
  let returnTimer: ReturnType<typeof setTimeout> | undefined;
  let unwatchPage: (() => void) | undefined;
  /** close() was called: final, unlike the closed state the source reaches by itself. */
  let disposed = false;
  /** The last event id, or where to read it when the transport reports it lazily (WireEvent.idFrom). */
  let lastId = settings.lastEventId;
  let idFrom: WireEvent['idFrom'];

  const connection = {
    state: 'connecting' as ConnectionState,
    get transport(): TransportName | null {
      return connection.state === 'closed' ? null : transport;
    },
    get lastEventId(): string {
      return idFrom ? idFrom.lastEventId : lastId;
    },
    url: typeof urlInput === 'function' ? '' : resolveUrl(urlInput).href,
    on(type: string, handler: (event: ServerEvent) => void): () => void {
      const off = events.on(type, handler);
      current?.listen(type);
      return off;
    },
    off: events.off,
    onStateChange: (listener: StateChangeListener) => subscribe(stateListeners, listener),
    onError: (listener: ErrorListener) => subscribe(errorListeners, listener),
    reconnect(): void {
      if (disposed) return;
      if (connection.state === 'closed') {
        attempt = 0;
        unwatchPage = watch();
      }
      connectNow('manual');
    },
    close(): void {
      if (disposed) return;
      disposed = true;
      shutdown('close');
      events.clear();
      stateListeners.clear();
      errorListeners.clear();
    },
  };

  // Memory of the working transport is per stream, not per resume point: the URL without its query.
  const choice = createTransportChoice(settings, connection.url.split('?')[0] || undefined);
  const chooseTransport = (): TransportName => (transport = choice.next());

  /** What every connection reports to. Transports report nothing once closed, and the one in use is the only one open. */
  const sink: TransportSink = {
    open() {
      openedAt = Date.now();
      heartbeat.touch();
      if (!heartbeatShown && current && !current.seesEveryByte) heartbeat.stop();
      choice.opened(transport);
      transition('open', 'open');
    },
    // The hot path: one call per server event.
    event({ type, data, id, idFrom: from }) {
      // A transport that sees every byte already counted the chunk that carried this event.
      if (!current?.seesEveryByte) heartbeat.touch();
      if (type === heartbeatEvent && !heartbeatShown) {
        heartbeatShown = true;
        heartbeat.start(); // armed from now on, on every transport
      }
      if (from) {
        idFrom = from;
      } else if (id !== undefined) {
        if (id && seen?.(id)) return;
        lastId = id;
        idFrom = undefined;
      }
      if (!events.has(type)) return;
      let parsed: unknown;
      try {
        parsed = settings.parse(data, type);
      } catch (cause) {
        return error('parse', `cannot parse a "${type}" event: ${messageOf(cause)}`, {
          raw: data,
          eventType: type,
          cause,
        });
      }
      events.emit(new ReceivedEvent(type, parsed, data, idFrom ?? lastId));
    },
    activity: heartbeat.touch,
    retry(ms) {
      // A `retry: 0` would make every backoff delay 0 (0 × factor^n): a floor keeps the backoff growing.
      serverRetry = Math.max(ms, MIN_SERVER_RETRY);
    },
    fail: (failure) => onFailure(failure, 'transport'),
  };

  /**
   * While on the WebSocket (open or not), try SSE again every `returnToSseAfter` ms; while offline,
   * wait for the next turn instead. `transport: 'websocket'` asked for no SSE: no timer to wake the tab.
   */
  function armReturnToSse(): void {
    const after = settings.websocket?.returnToSseAfter;
    if (returnTimer !== undefined || !after || settings.transport === 'websocket') return;
    returnTimer = setTimeout(() => {
      returnTimer = undefined;
      if (transport !== 'websocket') return;
      if (isOffline()) return armReturnToSse();
      // Where SSE is unavailable (no EventSource, no streaming fetch) there is nothing to return to.
      if (choice.returnToSse()) connectNow('return-to-sse');
    }, after);
  }

  /** What the transport of one connection is given: only what it needs. */
  function requestFor(url: string, headers: Record<string, string>): TransportRequest {
    const types = events.types();
    return {
      url,
      headers,
      lastEventId: connection.lastEventId,
      withCredentials: settings.withCredentials,
      method: settings.method,
      body: settings.body,
      // The SDK always listens to the heartbeat event, which EventSource needs to see it.
      eventTypes: heartbeatEvent === null ? types : [...types, heartbeatEvent],
      eagerIds: seen !== undefined,
      // 'auto' chose fetch for what native would do just as well: no header native would not send cross-origin.
      lastEventIdHeader:
        settings.transport !== 'auto' || settings.needsRequestControl || new URL(url).origin === pageOrigin(),
      protocols: settings.websocket?.protocols,
    };
  }

  /** Starts a connection on the chosen transport. URL, headers and transport may each be async. */
  function connect(): void {
    clearTimeout(retryTimer);
    retryTimer = undefined;
    drop();
    // This attempt is superseded (a new one, a drop, a close) if the epoch moves while its parts load.
    const started = epoch;
    heartbeat.start(); // a connection that never answers is a stall too
    const fail = (cause: unknown): void => {
      if (started === epoch)
        onFailure({ cause, message: messageOf(cause), fatal: cause instanceof ConfigError }, 'config');
    };
    const open = ([url, headers, factory]: [string, Record<string, string>, TransportFactory]): void => {
      if (started !== epoch) return;
      // A constructor that throws (an injected EventSource, say) is a failed attempt, not an escape.
      try {
        current = factory(requestFor(url, headers), sink);
      } catch (cause) {
        fail(cause);
      }
    };
    const pending: Maybe<unknown>[] = [];
    try {
      const name = chooseTransport();
      if (name === 'websocket') armReturnToSse();
      const { headers } = settings;
      pending.push(requestUrl(name));
      pending.push(typeof headers === 'function' ? headers() : { ...headers });
      pending.push(loadTransport(name, settings));
    } catch (cause) {
      // What already started must not reject unheard.
      for (const item of pending) if (isPromise(item)) item.catch(() => {});
      return fail(cause);
    }
    const ready = pending as [Maybe<string>, Maybe<Record<string, string>>, Maybe<TransportFactory>];
    if (ready.some(isPromise)) Promise.all(ready).then(open, fail);
    else open(ready as [string, Record<string, string>, TransportFactory]);
  }

  function connectNow(reason: StateChangeReason): void {
    chooseTransport();
    // Unless a state listener closed or reconnected the source meanwhile.
    if (transition(connection.state === 'connecting' ? 'connecting' : 'reconnecting', reason, 0)) connect();
  }

  /** The URL of the next request, the last event id applied; also updates `url` for SSE. */
  function requestUrl(name: TransportName): Maybe<string> {
    const onWebSocket = name === 'websocket';
    const input = onWebSocket ? settings.websocket?.url : urlInput;
    if (input === undefined) noEventSource();
    const build = (value: string | URL): string => {
      const url = resolveUrl(value);
      if (!onWebSocket) connection.url = url.href;
      return withLastEventId(url, settings.lastEventIdParam, connection.lastEventId);
    };
    const value = typeof input === 'function' ? input() : (input as string | URL);
    return isPromise(value) ? value.then(build) : build(value);
  }

  /** Where a failure becomes the next reconnect: report it, then stop, switch to the WebSocket, or retry. */
  function onFailure(failure: TransportFailure, kind: FailureKind): void {
    const { status, closeCode, fatal } = failure;
    drop();
    // [spec] "If res's status is 204 No Content ... fail the connection": the server says stop.
    if (status === 204) return shutdown('204');
    const type = errorTypeOf(failure, kind);
    const reported = epoch;
    error(type, `${transport}: ${failure.message}`, { status, closeCode, attempt, cause: failure.cause });
    // An error listener may have closed or reconnected the source: then there is nothing left to do.
    if (reported !== epoch) return;
    if (fatal) return shutdown('fatal');
    // Switch to the WebSocket if SSE keeps failing; a failed trial return goes straight back to it.
    const switched = choice.failed(transport);
    if (switched === 'probe-failed') return connectNow('fallback');
    retry(switched ? 'fallback' : retryReasonOf(failure, type));
  }

  /** Schedules the next attempt after the backoff delay, or pauses while offline. */
  function retry(reason: StateChangeReason): void {
    const { reconnect } = settings;
    // Only a connection that stayed open a while clears the failure count: flapping still backs off.
    if (openedAt && Date.now() - openedAt >= reconnect.resetAfter) attempt = 0;
    openedAt = 0;
    if (isOffline()) return void transition('reconnecting', 'offline');
    if (++attempt >= reconnect.maxAttempts) {
      const reported = epoch;
      error('max-attempts', `gave up after ${attempt} attempts`, { attempt });
      return reported === epoch ? shutdown('max-attempts') : undefined;
    }
    chooseTransport();
    const delay = backoffDelay(attempt, reconnect, serverRetry);
    retryAt = Date.now() + delay;
    // Unless a state listener closed or reconnected the source meanwhile.
    if (transition('reconnecting', reason, delay)) retryTimer = setTimeout(connect, delay);
  }

  const watch = (): (() => void) =>
    watchPage(
      () => connectNow('online'),
      () => {
        if (retryTimer === undefined) return;
        clearTimers();
        transition('reconnecting', 'offline');
      },
      () => {
        // Timers in a hidden tab are throttled: catch up on a stall or a reconnect that is due.
        heartbeat.check();
        if (retryTimer !== undefined && Date.now() >= retryAt) connect();
      },
    );

  /** Closes the current connection (a closed transport reports nothing more). */
  function drop(): void {
    epoch++;
    heartbeat.stop();
    const closing = current;
    current = undefined;
    closing?.close();
  }

  function clearTimers(): void {
    clearTimeout(retryTimer);
    clearTimeout(returnTimer);
    retryTimer = returnTimer = undefined;
  }

  /** The one ordered teardown: timers, connection, page listeners, then the closed state. */
  function shutdown(reason: StateChangeReason): void {
    clearTimers();
    drop();
    unwatchPage?.();
    unwatchPage = undefined;
    transition('closed', reason);
  }

  /**
   * The one transition function: sets the state and tells the state listeners. Returns false when a
   * listener caused something newer (close(), reconnect()): the caller then has nothing left to do.
   */
  function transition(state: ConnectionState, reason: StateChangeReason, delay: number | null = null): boolean {
    const previous = connection.state;
    connection.state = state;
    const version = ++epoch;
    const stillCurrent = (): boolean => version === epoch;
    callEach(
      [...stateListeners],
      { state, previous, reason, attempt, delay, transport: connection.transport, role: null },
      (cause) => error('listener', 'onStateChange listener threw', { cause }),
      // Once a listener caused a newer change, this one is stale for the rest.
      stillCurrent,
    );
    return stillCurrent();
  }

  function error(
    type: ResilientEventSourceErrorType,
    message: string,
    details: ResilientEventSourceErrorDetails,
  ): void {
    callEach([...errorListeners], new ResilientEventSourceError(type, message, details), rethrowLater, () => !disposed);
  }

  chooseTransport(); // throws here, at construction, when there is no way to connect
  unwatchPage = watch();
  connect();
  return connection;
}
