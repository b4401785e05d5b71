/**
 * Event stream over fetch() and a streamed response body: allows custom
 * headers, methods and bodies, which the native EventSource cannot send.
 */
import { messageOf } from '../errors';
import { type BodyReader, readBody } from './body-reader';
import { utf8HeaderValue } from './headers';
import { createSseFeeder, utf8Decoder } from './sse-stream';
import { httpFailure } from './status';
import type { TransportFactory } from './transport';

const ignore = (): void => {};

export const fetchTransport =
  (fetchImpl?: typeof fetch): TransportFactory =>
  (request, sink) => {
    const controller = new AbortController();
    let body: ReadableStream<Uint8Array> | null = null;
    let reader: BodyReader | undefined;
    // A fetch implementation may ignore the abort once the body streams (or arrives late); cancel it too.
    const cancel = (): unknown => (reader ?? body)?.cancel().catch(ignore);
    const stream = createSseFeeder(sink, () => {
      controller.abort();
      cancel();
    });

    const run = async (): Promise<unknown> => {
      if (stream.stopped) return;
      // Looked up per connection, so a fetch installed after import (polyfill, test stub) is used.
      const doFetch = fetchImpl ?? (globalThis.fetch as typeof fetch | undefined);
      if (!doFetch) return stream.fail({ fatal: true, message: 'fetch is not available' });

      const headers = new Headers({ Accept: 'text/event-stream' });
      // [spec] "If the event source's last event ID string is not the empty string, then set
      // (`Last-Event-ID`, last event ID string, encoded as UTF-8) in request's header list."
      if (request.lastEventId && request.lastEventIdHeader !== false)
        headers.set('Last-Event-ID', utf8HeaderValue(request.lastEventId));
      // Caller headers win, matched case-insensitively (Headers.set replaces any spelling).
      // Accept is CORS-safelisted; Cache-Control is not (it would force a preflight), and cache: 'no-store' covers it.
      for (const [name, value] of Object.entries(request.headers)) headers.set(name, value);
      const response = await doFetch(request.url, {
        method: request.method,
        body: request.body,
        headers,
        credentials: request.withCredentials ? 'include' : 'same-origin',
        // [spec] "Set request's cache mode to "no-store"."
        cache: 'no-store',
        signal: controller.signal,
      });
      body = response.body;
      // Closed while the fetch was in flight, and the fetch ignored the abort.
      if (stream.stopped) return cancel();

      const { status } = response;
      // [spec] "if res's status is not 200, or if res's `Content-Type` is not `text/event-stream`, then fail the connection."
      // The MIME essence is compared: parameters allowed, case-insensitive.
      const type = response.headers.get('Content-Type')?.split(';')[0]?.trim().toLowerCase();
      if (status !== 200 || type !== 'text/event-stream') return stream.fail(httpFailure(status));
      sink.open();

      reader = body ? readBody(body) : undefined;
      const decoder = utf8Decoder();
      while (!stream.stopped) {
        const bytes = await reader?.read();
        // [spec] "Clients will reconnect if the connection is closed" — the owner does the reconnecting.
        if (!bytes) return stream.fail({ ended: true, message: 'the stream ended' });
        // stream: true keeps a UTF-8 sequence split across chunks together.
        stream.feed(decoder.decode(bytes, { stream: true }));
      }
    };
    // Started after the owner holds this transport, so nothing is reported during this call. A rejected
    // fetch or read lands here, as does our own abort (ignored once stopped) and anything unexpected
    // (a throwing sink, a broken fetch polyfill), which must not leave a silent zombie.
    Promise.resolve()
      .then(run)
      .catch((error: unknown) => stream.fail({ cause: error, message: `network error: ${messageOf(error)}` }));

    return { name: 'fetch', seesEveryByte: true, listen: ignore, close: stream.stop };
  };
