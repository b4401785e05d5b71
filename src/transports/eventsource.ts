import { utf8HeaderValue } from './headers';
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

export type EventSourceLikeConstructor = new (url: string, init?: Record<string, unknown>) => EventSourceLike;

/**
 * A server event named 'open' or 'error' reaches `onopen`/`onerror` too; it is a MessageEvent
 * (it has `data`), while the connection's own events do not.
 */
const isServerEvent = (event: Event): event is MessageEvent => 'data' in event;

/**
 * Transport over an EventSource-shaped constructor. The EventSource is closed at its first error,
 * so it never reconnects on its own terms: the owner does, with its own backoff.
 */
export const eventSourceTransport =
  (name: 'native' | 'polyfill', EventSourceCtor: EventSourceLikeConstructor): TransportFactory =>
  ({ url, withCredentials, headers, lastEventId, eventTypes }, sink) => {
    const source = new EventSourceCtor(
      url,
      name === 'native'
        ? { withCredentials }
        : {
            withCredentials,
            // Our own watchdog decides; the polyfill's (45 s by default) is pushed to its maximum.
            heartbeatTimeout: 18_000_000,
            headers: lastEventId ? { 'Last-Event-ID': utf8HeaderValue(lastEventId), ...headers } : headers,
          },
    );
    const listened = new Set<string>();
    let previousId = '';
    let live = true;

    // EventSource carries the previous id on events that had none; only a change means an `id:` field.
    const onEvent = (event: Event): void => {
      if (!live || !isServerEvent(event)) return;
      const { lastEventId: seen } = event;
      let id: string | undefined;
      if (seen !== previousId) {
        previousId = seen;
        // [spec] "If the field value does not contain U+0000 NULL, then set the last event ID buffer"
        // — event-source-polyfill keeps such an id; it must not become ours (nor a header).
        if (!seen.includes('\0')) id = seen;
      }
      sink.event({ type: event.type, data: event.data as string, id });
    };

    const close = (): void => {
      if (!live) return;
      live = false;
      source.onopen = source.onerror = null;
      for (const type of listened) source.removeEventListener(type, onEvent);
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
      sink.fail(typeof status === 'number' ? httpFailure(status, event) : { cause: event, message: 'connection failed' });
    };

    const transport: Transport = {
      name,
      listen(type) {
        if (!live || listened.has(type)) return;
        listened.add(type);
        source.addEventListener(type, onEvent);
      },
      close,
    };
    for (const type of eventTypes) transport.listen(type);
    return transport;
  };
