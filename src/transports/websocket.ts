/**
 * Event stream over a WebSocket whose text frames carry SSE-formatted text,
 * for networks where long-lived HTTP responses are buffered or cut.
 */
import { createSseFeeder } from './sse-stream';
import type { Transport, TransportFactory, TransportFailure, TransportRequest, TransportSink } from './transport';

const CONNECTING = 0;
const OPEN = 1;
/** RFC 6455: the endpoint received a message that violates its policy. */
const POLICY_VIOLATION = 1008;

export const websocketTransport =
  (WebSocketCtor?: typeof WebSocket): TransportFactory =>
  (request, sink) =>
    openWebSocketStream(WebSocketCtor, request, sink);

function openWebSocketStream(
  WebSocketCtor: typeof WebSocket | undefined,
  request: TransportRequest,
  sink: TransportSink,
): Transport {
  const feeder = createSseFeeder(sink);
  let socket: WebSocket | undefined;
  let dead = false;
  let opened = false;
  let error: Event | undefined;
  // Created on the first binary frame; streaming, so UTF-8 split across frames holds together.
  let decoder: TextDecoder | undefined;

  const release = (): void => {
    dead = true;
    feeder.stop();
    if (!socket) return;
    // No-ops rather than null: late events of a dead socket are ignored, and Node's `ws`
    // would throw on an 'error' event with no listener left.
    socket.onopen = socket.onmessage = socket.onerror = socket.onclose = ignore;
    if (socket.readyState === CONNECTING || socket.readyState === OPEN) socket.close(1000);
  };
  const fail = (failure: TransportFailure): void => {
    if (dead) return;
    release();
    sink.fail(failure);
  };
  const transport: Transport = {
    name: 'websocket',
    listen(): void {
      // Every event in the frames is reported; nothing to subscribe to.
    },
    close(): void {
      if (!dead) release();
    },
  };

  // Looked up per connection, so a WebSocket installed after import (polyfill, test stub) is used.
  const Ctor = WebSocketCtor ?? (typeof WebSocket === 'function' ? WebSocket : undefined);
  try {
    if (!Ctor) throw new TypeError('WebSocket is not available in this environment');
    socket = new Ctor(request.url);
  } catch (cause) {
    // Reported after the owner holds this transport; a bad URL or missing WebSocket never heals.
    queueMicrotask(() => fail({ fatal: true, cause, message: `cannot open a WebSocket: ${describe(cause)}` }));
    return transport;
  }

  socket.binaryType = 'arraybuffer';
  socket.onopen = () => {
    opened = true;
    sink.open();
  };
  socket.onmessage = (event: MessageEvent) => {
    // Any frame is proof of life, comment-only and empty ones included: feed() counts it.
    feeder.feed(frameText(event.data));
  };
  socket.onerror = (event: Event) => {
    // After open, a close event follows with the code worth reporting; wait for it. Before open
    // the close can only say 1006, so report now in case an implementation never sends it.
    if (opened) error = event;
    else fail({ cause: event, message: 'the WebSocket connection failed' });
  };
  socket.onclose = (event: CloseEvent) => fail(closeFailure(event, error));

  function frameText(data: unknown): string {
    if (typeof data === 'string') return data;
    if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) {
      // ignoreBOM: the feeder strips the one leading BOM, the same way for every transport.
      decoder ??= new TextDecoder('utf-8', { ignoreBOM: true });
      return decoder.decode(data, { stream: true });
    }
    // A Blob from a socket that ignored binaryType: unreadable synchronously, still activity.
    return '';
  }

  return transport;
}

function closeFailure(event: CloseEvent, error: Event | undefined): TransportFailure {
  const { code, reason } = event;
  const detail = reason ? `${code}: ${reason}` : `${code}`;
  // A policy close or an application code (4000–4999) is the server refusing us; retrying cannot help.
  if (code === POLICY_VIOLATION || (code >= 4000 && code <= 4999)) {
    return { closeCode: code, fatal: true, cause: event, message: `closed by server with code ${detail}` };
  }
  return { closeCode: code, cause: error ?? event, message: `the WebSocket closed with code ${detail}` };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function ignore(): void {
  // Stands in for the handlers of a socket we are done with.
}
