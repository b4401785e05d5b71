/**
 * Event stream over a WebSocket whose text frames carry SSE-formatted text,
 * for networks where long-lived HTTP responses are buffered or cut.
 */
import { messageOf } from '../errors';
import { toWebSocketUrl } from '../url';
import { createSseFeeder, utf8Decoder } from './sse-stream';
import type { Transport, TransportFactory } from './transport';

/** WebSocket.CLOSING: a readyState below it is CONNECTING or OPEN, so there is a socket to close. */
const CLOSING = 2;
/** RFC 6455: the endpoint received a message that violates its policy. */
const POLICY_VIOLATION = 1008;

// Stands in for the handlers of a socket we are done with.
const ignore = (): void => {};

export const websocketTransport =
  (WebSocketCtor?: typeof WebSocket): TransportFactory =>
  (request, sink) => {
    let socket: WebSocket | undefined;
    let opened = false;
    let error: Event | undefined;
    // Created on the first binary frame; streaming, so UTF-8 split across frames holds together.
    let decoder: TextDecoder | undefined;
    const stream = createSseFeeder(sink, () => {
      if (!socket) return;
      // No-ops rather than null: late events of a dead socket are ignored, and Node's `ws`
      // would throw on an 'error' event with no listener left.
      socket.onopen = socket.onmessage = socket.onerror = socket.onclose = ignore;
      if (socket.readyState < CLOSING) socket.close(1000);
    });
    const transport: Transport = { name: 'websocket', seesEveryByte: true, listen: ignore, close: stream.stop };

    try {
      // Looked up per connection, so a WebSocket installed after import (polyfill, test stub) is used.
      const Ctor = WebSocketCtor ?? (globalThis.WebSocket as typeof WebSocket | undefined);
      if (!Ctor) throw new TypeError('WebSocket is not available');
      // The owner resolves the URL as for SSE (http or https, say); the socket needs ws or wss.
      socket = new Ctor(toWebSocketUrl(request.url), request.protocols);
    } catch (cause) {
      // Reported after the owner holds this transport; a bad URL or missing WebSocket never heals.
      queueMicrotask(() => stream.fail({ fatal: true, cause, message: messageOf(cause) }));
      return transport;
    }

    socket.binaryType = 'arraybuffer';
    socket.onopen = () => {
      opened = true;
      sink.open();
    };
    // Any frame is proof of life, comment-only and empty ones included: feed() counts it.
    // A Blob (from a socket that ignored binaryType) cannot be read synchronously: it only counts as activity.
    socket.onmessage = ({ data }: MessageEvent) =>
      stream.feed(
        typeof data === 'string'
          ? data
          : data instanceof ArrayBuffer || ArrayBuffer.isView(data)
            ? (decoder ??= utf8Decoder()).decode(data, { stream: true })
            : '',
      );
    socket.onerror = (event) => {
      // After open, a close event follows with the code worth reporting; wait for it. Before open
      // the close can only say 1006, so report now in case an implementation never sends it.
      if (opened) error = event;
      else stream.fail({ cause: event, message: 'connection failed' });
    };
    socket.onclose = (event) => {
      const { code, reason } = event;
      // A policy close or an application code (4000–4999) is the server refusing us; retrying cannot help.
      const fatal = code === POLICY_VIOLATION || (code >= 4000 && code < 5000);
      stream.fail({
        closeCode: code,
        fatal,
        cause: fatal ? event : (error ?? event),
        message: `closed ${fatal ? 'by server ' : ''}with code ${code}${reason ? `: ${reason}` : ''}`,
      });
    };
    return transport;
  };
