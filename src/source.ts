import { backoffDelay } from './backoff';
import { callEach, createEmitter, type ServerEvent } from './emitter';
import {
  isConfigError,
  messageOf,
  ResilientEventSourceError,
  rethrowLater,
  type ResilientEventSourceErrorType,
} from './errors';
import { fallbackPolicy } from './fallback';
import { createHeartbeat } from './heartbeat';
import { settingsFrom } from './options';
import { isOffline, watchPage } from './page-events';
import { recentIds } from './recent-ids';
import { loadTransport, noEventSource } from './transports/select';
import type {
  Transport,
  TransportFactory,
  TransportFailure,
  TransportName,
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
import { resolveUrl, toWebSocketUrl, withLastEventId } from './url';

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

export type Source = ReturnType<typeof createSource>;

/**
 * The connection logic behind a ResilientEventSource: owns reconnection (close and recreate, with
 * backoff and jitter), detects silent stalls with a heartbeat timeout, resumes from the last event id,
 * and delivers server events to isolated listeners. Returns what the public class exposes.
 */
export function createSource(urlInput: UrlInput, options: ResilientEventSourceOptions) {
  const settings = settingsFrom(options);
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

  let connection: Transport | undefined;
  /** The transport of the current or next connection. */
  let transport: TransportName;
  /** Bumped whenever a connection is started or dropped. */
  let generation = 0;
  let attempt = 0;
  let openedAt = 0;
  /** The server's `retry:` value, which replaces `reconnect.initialDelay`. */
  let serverRetry: number | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let retryAt = 0;
  let returnTimer: ReturnType<typeof setTimeout> | undefined;
  let unwatchPage: (() => void) | undefined;
  /** close() was called: final, unlike the closed state the source reaches by itself. */
  let disposed = false;
  /** Bumped by every state change, so a stale announcement stops when a listener causes a newer one. */
  let stateVersion = 0;
  /** The last event id, or where to read it when the transport reports it lazily (WireEvent.idFrom). */
  let lastId = settings.lastEventId;
  let idFrom: WireEvent['idFrom'];

  /** What the public class reads, and its methods. */
  const source = {
    state: 'connecting' as ConnectionState,
    /** The transport of the current (or next) connection; null once closed. */
    get transport(): TransportName | null {
      return source.state === 'closed' ? null : transport;
    },
    /** The id of the last event received; sent on every reconnect. */
    get lastEventId(): string {
      return idFrom ? idFrom.lastEventId : lastId;
    },
    /** The resolved stream URL (for a function URL, the one it last returned). */
    url: typeof urlInput === 'function' ? '' : resolveUrl(urlInput).href,
    on(type: string, handler: (event: ServerEvent) => void): () => void {
      const off = events.on(type, handler);
      connection?.listen(type);
      return off;
    },
    off: events.off,
    onStateChange: (listener: StateChangeListener) => subscribe(stateListeners, listener),
    onError: (listener: ErrorListener) => subscribe(errorListeners, listener),
    reconnect(): void {
      if (disposed) return;
      if (source.state === 'closed') {
        attempt = 0;
        unwatchPage = watch();
      }
      connectNow('manual');
    },
    close(): void {
      if (disposed) return;
      disposed = true;
      shutdown('close');
      events.handlers.clear();
      stateListeners.clear();
      errorListeners.clear();
    },
  };

  // Memory of the working transport is per stream, not per resume point: the URL without its query.
  const fallback = fallbackPolicy(settings, source.url.split('?')[0] || undefined);

  /** What every connection reports to. Transports report nothing once closed, and the one in use is the only one open. */
  const sink: TransportSink = {
    open() {
      openedAt = Date.now();
      heartbeat.touch();
      fallback.opened(transport);
      setState('open', 'open');
    },
    // The hot path: one call per server event.
    event({ type, data, id, idFrom: from }) {
      heartbeat.touch();
      if (from) {
        idFrom = from;
      } else if (id !== undefined) {
        if (id && seen?.(id)) return;
        lastId = id;
        idFrom = undefined;
      }
      if (!events.handlers.has(type)) return;
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
      events.emit(
        from
          ? {
              type,
              data: parsed,
              raw: data,
              get lastEventId() {
                return from.lastEventId;
              },
            }
          : { type, data: parsed, raw: data, lastEventId: source.lastEventId },
      );
    },
    activity: heartbeat.touch,
    retry(ms) {
      // A `retry: 0` would make every backoff delay 0 (0 × factor^n): a floor keeps the backoff growing.
      serverRetry = Math.max(ms, MIN_SERVER_RETRY);
    },
    fail: (failure) => onFailure(failure),
  };

  const pickTransport = (): TransportName => (transport = fallback.transport());

  /**
   * While on the WebSocket (open or not), try SSE again every `returnToSseAfter` ms; while offline,
   * wait for the next turn instead.
   */
  function armReturnToSse(): void {
    const after = settings.websocket?.returnToSseAfter;
    if (returnTimer !== undefined || !after) return;
    returnTimer = setTimeout(() => {
      returnTimer = undefined;
      if (transport !== 'websocket') return;
      if (isOffline()) return armReturnToSse();
      // Where SSE is unavailable (no EventSource, no streaming fetch) there is nothing to return to.
      if (fallback.returnToSse()) connectNow('return-to-sse');
    }, after);
  }

  /** Starts a connection on the chosen transport. URL, headers and transport may each be async. */
  function connect(): void {
    clearTimeout(retryTimer);
    retryTimer = undefined;
    drop();
    // Moves on when this attempt is superseded (a new one, a drop, a close) while its URL, headers or transport load.
    const current = generation;
    heartbeat.start(); // a connection that never answers is a stall too
    const fail = (cause: unknown): void => {
      if (current === generation)
        onFailure({ cause, message: messageOf(cause), fatal: isConfigError(cause) }, 'config');
    };
    const open = ([url, headers, factory]: [string, Record<string, string>, TransportFactory]): void => {
      if (current !== generation) return;
      const types = events.handlers.keys();
      const { heartbeatEvent } = settings;
      // A constructor that throws (an injected EventSource, say) is a failed attempt, not an escape.
      try {
        connection = factory(
          {
            ...settings,
            url,
            headers,
            lastEventId: source.lastEventId,
            eagerIds: seen !== undefined,
            // The SDK always listens to the heartbeat event, which EventSource needs to see it.
            eventTypes: heartbeatEvent === null ? types : [...types, heartbeatEvent],
          },
          sink,
        );
      } catch (cause) {
        fail(cause);
      }
    };
    const pending: Maybe<unknown>[] = [];
    try {
      const name = pickTransport();
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
    pickTransport();
    const current = generation;
    setState(source.state === 'connecting' ? 'connecting' : 'reconnecting', reason, 0);
    // A state listener may have closed or reconnected the source meanwhile.
    if (current === generation) connect();
  }

  /** The URL of the next request, the last event id applied; also updates `url` for SSE. */
  function requestUrl(name: TransportName): Maybe<string> {
    const onWebSocket = name === 'websocket';
    const input = onWebSocket ? settings.websocket?.url : urlInput;
    if (input === undefined) noEventSource();
    const build = (value: string | URL): string => {
      const url = resolveUrl(value);
      if (!onWebSocket) source.url = url.href;
      return withLastEventId(onWebSocket ? toWebSocketUrl(url) : url, settings.lastEventIdParam, source.lastEventId);
    };
    const value = typeof input === 'function' ? input() : (input as string | URL);
    return isPromise(value) ? value.then(build) : build(value);
  }

  /** A connection failed, could not be made ('config') or stalled ('heartbeat-timeout'): stop, or recover. */
  function onFailure(
    failure: TransportFailure,
    type: ResilientEventSourceErrorType = failure.closeCode !== undefined && failure.fatal
      ? 'websocket'
      : failure.status !== undefined
        ? 'http'
        : 'network',
  ): void {
    const { status, closeCode, fatal } = failure;
    drop();
    // [spec] "If res's status is 204 No Content ... fail the connection": the server says stop.
    if (status === 204) return shutdown('204');
    const current = generation;
    error(type, `${transport}: ${failure.message}`, { status, closeCode, attempt, cause: failure.cause });
    // An error listener may have closed or reconnected the source: then there is nothing left to do.
    if (current !== generation) return;
    if (fatal) return shutdown('fatal');
    // Switch to the WebSocket if SSE keeps failing; a failed trial return goes straight back to it.
    const switched = fallback.failed(transport);
    if (switched === 'probe-failed') return connectNow('fallback');
    retry(
      switched ? 'fallback' : type === 'config' ? 'network' : failure.ended ? 'ended' : (type as StateChangeReason),
    );
  }

  /** Schedules the next attempt after the backoff delay, or pauses while offline. */
  function retry(reason: StateChangeReason): void {
    const { reconnect } = settings;
    // Only a connection that stayed open a while clears the failure count: flapping still backs off.
    if (openedAt && Date.now() - openedAt >= reconnect.resetAfter) attempt = 0;
    openedAt = 0;
    if (isOffline()) return setState('reconnecting', 'offline');
    const current = generation;
    if (++attempt >= reconnect.maxAttempts) {
      error('max-attempts', `gave up after ${attempt} attempts`, { attempt });
      return current === generation ? shutdown('max-attempts') : undefined;
    }
    pickTransport();
    const delay = backoffDelay(attempt, reconnect, serverRetry);
    retryAt = Date.now() + delay;
    setState('reconnecting', reason, delay);
    // Unless a state listener closed or reconnected the source meanwhile.
    if (current === generation) retryTimer = setTimeout(connect, delay);
  }

  const watch = (): (() => void) =>
    watchPage(
      () => connectNow('online'),
      () => {
        if (retryTimer === undefined) return;
        clearTimers();
        setState('reconnecting', 'offline');
      },
      () => {
        // Timers in a hidden tab are throttled: catch up on a stall or a reconnect that is due.
        heartbeat.check();
        if (retryTimer !== undefined && Date.now() >= retryAt) connect();
      },
    );

  /** Closes the current connection (a closed transport reports nothing more). */
  function drop(): void {
    generation++;
    heartbeat.stop();
    const closing = connection;
    connection = undefined;
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
    setState('closed', reason);
  }

  function setState(state: ConnectionState, reason: StateChangeReason, delay: number | null = null): void {
    const previous = source.state;
    source.state = state;
    const version = ++stateVersion;
    callEach(
      [...stateListeners],
      { state, previous, reason, attempt, delay, transport: source.transport, role: null },
      (cause) => error('listener', 'onStateChange listener threw', { cause }),
      // Once a listener caused a newer change (close(), say), this one is stale for the rest.
      () => version === stateVersion,
    );
  }

  function error(
    type: ResilientEventSourceErrorType,
    message: string,
    details: ConstructorParameters<typeof ResilientEventSourceError>[2],
  ): void {
    callEach([...errorListeners], new ResilientEventSourceError(type, message, details), rethrowLater, () => !disposed);
  }

  pickTransport(); // throws here, at construction, when there is no way to connect
  unwatchPage = watch();
  connect();
  return source;
}
