/**
 * Event stream over fetch() and a streamed response body: allows custom
 * headers, methods and bodies, which the native EventSource cannot send.
 */
import { createSseFeeder } from './sse-stream';
import { isFatalStatus } from './status';
import type { Transport, TransportFactory, TransportFailure, TransportRequest, TransportSink } from './transport';

/** Whether this environment can stream a fetch response (checked when asked, not at import). */
export function fetchStreamingSupported(): boolean {
  return (
    typeof fetch === 'function' &&
    typeof ReadableStream === 'function' &&
    typeof AbortController === 'function' &&
    typeof TextDecoder === 'function' &&
    // Some older engines shipped fetch without a streamed `response.body`.
    typeof Response === 'function' &&
    'body' in Response.prototype
  );
}

export const fetchTransport =
  (fetchImpl?: typeof fetch): TransportFactory =>
  (request, sink) =>
    openFetchStream(fetchImpl, request, sink);

function openFetchStream(fetchImpl: typeof fetch | undefined, request: TransportRequest, sink: TransportSink): Transport {
  const controller = new AbortController();
  const feeder = createSseFeeder(sink);
  let body: ReadableStream<Uint8Array> | null = null;
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  let dead = false;

  const release = (): void => {
    dead = true;
    feeder.stop();
    controller.abort();
    // A fetch implementation may ignore the abort once the body streams; cancel it too.
    (reader ?? body)?.cancel().catch(ignore);
  };
  const fail = (failure: TransportFailure): void => {
    if (dead) return;
    release();
    sink.fail(failure);
  };

  const run = async (): Promise<void> => {
    if (dead) return;
    // Looked up per connection, so a fetch installed after import (polyfill, test stub) is used.
    const doFetch = fetchImpl ?? (typeof fetch === 'function' ? fetch : undefined);
    if (!doFetch) return fail({ fatal: true, message: 'fetch is not available in this environment' });

    let response: Response;
    try {
      response = await doFetch(request.url, {
        method: request.method,
        body: request.body,
        headers: requestHeaders(request),
        credentials: request.withCredentials ? 'include' : 'same-origin',
        // [spec] "Set request's cache mode to "no-store"."
        cache: 'no-store',
        signal: controller.signal,
      });
    } catch (error) {
      // Also where our own abort lands; `fail` ignores it once closed.
      return fail({ cause: error, message: `network error: ${describe(error)}` });
    }
    body = response.body;
    if (dead) {
      // Closed while the fetch was in flight, and the fetch ignored the abort.
      body?.cancel().catch(ignore);
      return;
    }

    const refused = checkResponse(response);
    if (refused) return fail(refused);
    sink.open(response.status);
    if (dead) return;

    if (!body) return fail({ ended: true, message: 'the response has no body' });
    reader = body.getReader();
    // ignoreBOM: the feeder strips the one leading BOM, the same way for every transport.
    const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (error) {
        return fail({ cause: error, message: `network error while reading the stream: ${describe(error)}` });
      }
      if (dead) return;
      // [spec] "Clients will reconnect if the connection is closed" — the owner does the reconnecting.
      if (chunk.done) return fail({ ended: true, message: 'the server ended the stream' });
      // stream: true keeps a UTF-8 sequence split across chunks together.
      feeder.feed(decoder.decode(chunk.value, { stream: true }));
    }
  };
  // Started after the owner holds this transport, so nothing is reported during this call.
  // Anything unexpected (a throwing sink, a broken fetch polyfill) must not leave a silent zombie.
  Promise.resolve().then(run).catch((error: unknown) => fail({ cause: error, message: `event stream failed: ${describe(error)}` }));

  return {
    name: 'fetch',
    listen(): void {
      // Every event on the stream is reported; nothing to subscribe to.
    },
    close(): void {
      if (!dead) release();
    },
  };
}

function requestHeaders(request: TransportRequest): Headers {
  // [spec] "User agents may set (`Accept`, `text/event-stream`) in request's header list."
  // Accept is CORS-safelisted; Cache-Control is not (it would force a preflight), and cache: 'no-store' covers it.
  const headers = new Headers({ Accept: 'text/event-stream' });
  // [spec] "If the event source's last event ID string is not the empty string, then set
  // (`Last-Event-ID`, last event ID string, encoded as UTF-8) in request's header list."
  if (request.lastEventId) headers.set('Last-Event-ID', utf8ByteString(request.lastEventId));
  // Caller headers win, matched case-insensitively (Headers.set replaces any spelling).
  for (const [name, value] of Object.entries(request.headers)) headers.set(name, value);
  return headers;
}

/**
 * Header values are byte strings: Headers throws on characters above U+00FF and would send
 * U+0080–U+00FF as single Latin-1 bytes. One UTF-8 byte per character sends what the spec asks.
 */
function utf8ByteString(value: string): string {
  if (/^[\x00-\x7f]*$/.test(value)) return value;
  let bytes = '';
  for (const byte of new TextEncoder().encode(value)) bytes += String.fromCharCode(byte);
  return bytes;
}

/** Why a response cannot be streamed, or undefined when it can. */
function checkResponse(response: Response): TransportFailure | undefined {
  const { status } = response;
  if (status === 200) {
    const type = response.headers.get('Content-Type');
    if (isEventStream(type)) return undefined;
    // [spec] "if res's status is not 200, or if res's `Content-Type` is not `text/event-stream`,
    // then fail the connection."
    return { status, fatal: true, message: `expected Content-Type text/event-stream, got ${type ?? 'none'}` };
  }
  if (status === 204) {
    // [spec] "a client can be told to stop reconnecting using the HTTP 204 No Content response code."
    return { status, fatal: true, message: 'the server answered 204 No Content: stop reconnecting' };
  }
  // The shared policy: 4xx other than 408/429 is fatal; 5xx, 408 and 429 say "later".
  return { status, fatal: isFatalStatus(status), message: `the server answered HTTP ${status}` };
}

/** MIME essence check: parameters allowed, case-insensitive. */
function isEventStream(contentType: string | null): boolean {
  if (contentType === null) return false;
  const semicolon = contentType.indexOf(';');
  const essence = semicolon === -1 ? contentType : contentType.slice(0, semicolon);
  return essence.trim().toLowerCase() === 'text/event-stream';
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function ignore(): void {
  // A cancel of an already aborted stream rejects; nothing to do about it.
}
