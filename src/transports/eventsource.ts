import { isFatalStatus } from './status';
import type { Transport, TransportFactory, TransportName, TransportSink } from './transport';

/** The part of EventSource (native or event-source-polyfill) this transport uses. */
export interface EventSourceLike {
  onopen: ((event: Event) => void) | null;
  onerror: ((event: Event) => void) | null;
  addEventListener(type: string, listener: (event: Event) => void): void;
  removeEventListener(type: string, listener: (event: Event) => void): void;
  close(): void;
}

export type EventSourceLikeConstructor = new (url: string, init?: Record<string, unknown>) => EventSourceLike;

/** event-source-polyfill reports the HTTP status on its error event. */
type MaybeStatus = Event & { status?: unknown };

/**
 * A server event named 'open' or 'error' reaches `onopen`/`onerror` too; it is a MessageEvent
 * (it has `data`), while the connection's own events do not.
 */
const isServerEvent = (event: Event): event is MessageEvent => 'data' in event;

/**
 * Transport over an EventSource-shaped constructor. The EventSource is closed at its first error,
 * so it never reconnects on its own terms: the owner does, with its own backoff.
 */
export function eventSourceTransport(
  name: Extract<TransportName, 'native' | 'polyfill'>,
  EventSourceCtor: EventSourceLikeConstructor,
  init: (request: { withCredentials: boolean; headers: Record<string, string>; lastEventId: string }) => Record<string, unknown>,
): TransportFactory {
  return (request, sink): Transport => {
    const source = new EventSourceCtor(request.url, init(request));
    const listened = new Set<string>();
    let previousId = '';
    let live = true;

    // EventSource carries the previous id on events that had none; only a change means an `id:` field.
    const onEvent = (event: Event): void => {
      if (!live || !isServerEvent(event)) return;
      const id = event.lastEventId !== previousId ? (previousId = event.lastEventId) : undefined;
      sink.event({ type: event.type, data: event.data as string, id });
    };

    const detach = (): void => {
      live = false;
      source.onopen = null;
      source.onerror = null;
      for (const type of listened) source.removeEventListener(type, onEvent);
      listened.clear();
    };

    source.onopen = (event) => {
      if (live && !isServerEvent(event)) sink.open(statusOf(event));
    };
    source.onerror = (event) => {
      if (!live || isServerEvent(event)) return;
      detach();
      source.close();
      reportFailure(sink, statusOf(event), event);
    };

    const transport: Transport = {
      name,
      listen(type) {
        if (!live || listened.has(type)) return;
        listened.add(type);
        source.addEventListener(type, onEvent);
      },
      close() {
        if (!live) return;
        detach();
        source.close();
      },
    };
    for (const type of request.eventTypes) transport.listen(type);
    return transport;
  };
}

function statusOf(event: MaybeStatus): number | undefined {
  return typeof event.status === 'number' ? event.status : undefined;
}

/** Native EventSource never reveals a status: its failures count as transient. */
function reportFailure(sink: TransportSink, status: number | undefined, cause: Event): void {
  if (status === undefined) {
    sink.fail({ cause, message: 'connection failed or dropped' });
  } else if (status === 200) {
    // [spec] a 200 whose Content-Type is not text/event-stream fails the connection for good.
    sink.fail({ status, fatal: true, cause, message: 'response is not text/event-stream' });
  } else {
    sink.fail({ status, fatal: isFatalStatus(status), cause, message: `HTTP ${status}` });
  }
}
