import { httpFailure } from './status';
import type { Transport, TransportFactory } from './transport';

/** The part of EventSource (native or event-source-polyfill) this transport uses. */
export interface EventSourceLike {
  onopen: ((event: Event) => void) | null;
  onerror: ((event: Event) => void) | null;
  addEventListener(type: string, listener: (event: Event) => void): void;
  removeEventListener(type: string, listener: (event: Event) => void): void;
  close(): void;
}

/** What every EventSource is created with: native EventSource reads withCredentials only. */
export interface EventSourceInit {
  withCredentials: boolean;
  headers: Record<string, string>;
  lastEventId: string;
  /** Called for every chunk received, where the EventSource can tell (our polyfill set-up can). */
  onChunk: () => void;
}

export type EventSourceLikeConstructor = new (url: string, init: EventSourceInit) => EventSourceLike;

/**
 * A server event named 'open' or 'error' reaches `onopen`/`onerror` too; it is a MessageEvent
 * (it has `data`), while the connection's own events do not.
 */
const isServerEvent = (event: Event): event is MessageEvent => 'data' in event;

/**
 * Transport over an EventSource-shaped constructor. The EventSource is closed at its first error,
 * so it never reconnects on its own terms: the owner does, with its own backoff. `seesEveryByte`:
 * the constructor calls `onChunk` for every chunk (see Transport).
 */
export const eventSourceTransport =
  (
    name: 'native' | 'polyfill',
    EventSourceCtor: EventSourceLikeConstructor,
    seesEveryByte: boolean,
  ): TransportFactory =>
  ({ url, withCredentials, headers, lastEventId, eventTypes, eagerIds }, sink) => {
    /** One listener per event name: it knows its name, so the browser event's `type` is never read. */
    const listeners = new Map<string, (event: Event) => void>();
    let previousId = '';
    let live = true;
    // Native EventSource reads withCredentials only; the polyfill's wrapper (polyfill.ts) uses the rest.
    const onChunk = (): void => {
      if (live) sink.activity();
    };
    const source = new EventSourceCtor(url, { withCredentials, headers, lastEventId, onChunk });
    // Native EventSource's lastEventId getter is costly, and once an id was seen on this connection
    // an empty one can only mean a reset: from then on the owner reads it only when it needs it.
    // (event-source-polyfill's is a plain property, but can hold a NUL id that must be filtered.)
    let lazyIds = false;

    const listenerFor =
      (type: string) =>
      (event: Event): void => {
        // Only 'open' and 'error' are also the connection's own event names.
        if (!live || ((type === 'open' || type === 'error') && !isServerEvent(event))) return;
        const { data } = event as MessageEvent<string>;
        if (lazyIds) return sink.event({ type, data, id: undefined, idFrom: event as MessageEvent });
        const seen = (event as MessageEvent).lastEventId;
        lazyIds = seen !== '' && name === 'native' && !eagerIds;
        // EventSource carries the previous id on events that had none; only a change means an `id:` field.
        let id: string | undefined;
        if (seen !== previousId) {
          previousId = seen;
          // [spec] "If the field value does not contain U+0000 NULL, then set the last event ID buffer"
          // — event-source-polyfill keeps such an id; it must not become ours (nor a header).
          if (!seen.includes('\0')) id = seen;
        }
        sink.event({ type, data, id });
      };

    const close = (): void => {
      if (!live) return;
      live = false;
      source.onopen = source.onerror = null;
      for (const [type, listener] of listeners) source.removeEventListener(type, listener);
      source.close();
    };

    source.onopen = (event) => {
      if (live && !isServerEvent(event)) sink.open();
    };
    source.onerror = (event) => {
      if (!live || isServerEvent(event)) return;
      close();
      // event-source-polyfill reports the HTTP status; native EventSource never does.
      const { status } = event as Event & { status?: unknown };
      sink.fail(
        typeof status === 'number' ? httpFailure(status, event) : { cause: event, message: 'connection failed' },
      );
    };

    const transport: Transport = {
      name,
      seesEveryByte,
      listen(type) {
        if (!live || listeners.has(type)) return;
        const listener = listenerFor(type);
        listeners.set(type, listener);
        source.addEventListener(type, listener);
      },
      close,
    };
    for (const type of eventTypes) transport.listen(type);
    return transport;
  };
