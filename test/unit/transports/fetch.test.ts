import { afterEach, describe, expect, it, vi } from 'vitest';
import { fetchTransport } from '../../../src/transports/fetch';
import { fetchStreamingSupported } from '../../../src/environment';
import type { TransportRequest, WireEvent } from '../../../src/transports/transport';
import { recordingSink } from '../support/recording-sink';

/** Lets every pending promise and I/O callback run (no timers involved). */
const settle = async (): Promise<void> => {
  for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

const encoder = new TextEncoder();

/** A response body whose chunks the test pushes. */
function controlledBody() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
    cancel() {
      cancelled = true;
    },
  });
  return {
    stream,
    push: (chunk: string | number[]) =>
      controller.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : new Uint8Array(chunk)),
    end: () => controller.close(),
    error: (reason: unknown) => controller.error(reason),
    get cancelled() {
      return cancelled;
    },
  };
}

interface ServeOptions {
  status?: number;
  contentType?: string | null;
  /** A real fetch errors the body when its signal aborts; some implementations do not. */
  ignoresAbort?: boolean;
  /** Keep the response back until `respond()` is called. */
  held?: boolean;
}

/** A fake fetch answering once with a controlled body, honouring the signal like a real fetch. */
function serve(options: ServeOptions = {}) {
  const body = controlledBody();
  const { status = 200, contentType = 'text/event-stream', ignoresAbort = false, held = false } = options;
  let respond!: () => void;
  const gate = held ? new Promise<void>((resolve) => (respond = resolve)) : undefined;
  let called!: () => void;
  const fetched = new Promise<void>((resolve) => (called = resolve));
  const fetch = vi.fn(async (_url: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    called();
    const signal = init?.signal;
    if (gate) await gate;
    if (signal && !ignoresAbort) {
      signal.throwIfAborted();
      signal.addEventListener('abort', () => {
        try {
          body.error(signal.reason);
        } catch {
          // the body was already closed
        }
      });
    }
    const headers = contentType === null ? undefined : { 'Content-Type': contentType };
    return new Response(status === 204 ? null : body.stream, { status, headers });
  });
  return { body, fetch, fetched, respond: () => respond() };
}

const request = (overrides: Partial<TransportRequest> = {}): TransportRequest => ({
  url: 'https://example.test/stream?lastEventId=1',
  lastEventId: '',
  headers: {},
  withCredentials: false,
  method: 'GET',
  body: undefined,
  eventTypes: [],
  ...overrides,
});

/** Opens a fetch transport on a fresh fake server. */
function connect(options: ServeOptions = {}, overrides: Partial<TransportRequest> = {}) {
  const server = serve(options);
  const recorder = recordingSink();
  const transport = fetchTransport(server.fetch)(request(overrides), recorder.sink);
  const init = (): RequestInit => server.fetch.mock.calls[0]?.[1] ?? {};
  return { ...server, ...recorder, transport, init };
}

const msg = (data: string, id?: string, type = 'message'): WireEvent => ({ type, data, id });

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('fetchTransport: request', () => {
  it('sends the URL, Accept, no Cache-Control (no CORS preflight) and no Last-Event-ID when there is none', async () => {
    const c = connect();
    await c.until('open');
    expect(c.fetch.mock.calls[0]?.[0]).toBe('https://example.test/stream?lastEventId=1');
    const headers = new Headers(c.init().headers);
    expect(headers.get('accept')).toBe('text/event-stream');
    expect(headers.has('cache-control')).toBe(false);
    expect(headers.has('last-event-id')).toBe(false);
    expect(c.init().cache).toBe('no-store');
    expect(c.init().signal).toBeInstanceOf(AbortSignal);
  });

  it('sends Last-Event-ID and custom headers, custom ones overriding case-insensitively', async () => {
    const c = connect({}, { lastEventId: '42', headers: { Authorization: 'Bearer t', 'cache-control': 'max-age=0' } });
    await c.until('open');
    const headers = new Headers(c.init().headers);
    expect(headers.get('last-event-id')).toBe('42');
    expect(headers.get('authorization')).toBe('Bearer t');
    expect(headers.get('cache-control')).toBe('max-age=0');
  });

  it('sends a non-ASCII Last-Event-ID as its UTF-8 bytes instead of throwing', async () => {
    const c = connect({}, { lastEventId: 'é€' });
    await c.until('open');
    const bytes = [...new Headers(c.init().headers).get('last-event-id')!].map((char) => char.charCodeAt(0));
    expect(bytes).toEqual([...encoder.encode('é€')]);
  });

  it('passes the method and body', async () => {
    const c = connect({}, { method: 'POST', body: '{"q":1}' });
    await c.until('open');
    expect(c.init().method).toBe('POST');
    expect(c.init().body).toBe('{"q":1}');
  });

  it.each([
    [true, 'include'],
    [false, 'same-origin'],
  ])('withCredentials %s sends credentials %s', async (withCredentials, credentials) => {
    const c = connect({}, { withCredentials });
    await c.until('open');
    expect(c.init().credentials).toBe(credentials);
  });

  it('looks up the global fetch at connect time, not when the factory is made', async () => {
    const factory = fetchTransport();
    const server = serve();
    vi.stubGlobal('fetch', server.fetch);
    const recorder = recordingSink();
    factory(request(), recorder.sink);
    await recorder.until('open');
    expect(server.fetch).toHaveBeenCalledTimes(1);
  });

  it('fails fatally, and not synchronously, when there is no fetch at all', async () => {
    vi.stubGlobal('fetch', undefined);
    const recorder = recordingSink();
    fetchTransport()(request(), recorder.sink);
    expect(recorder.calls).toEqual([]);
    await recorder.until('fail');
    expect(recorder.failures()[0]).toMatchObject({ fatal: true });
  });
});

describe('fetchTransport: status policy', () => {
  it('opens on 200 text/event-stream, streams events, and reports a normal end as ended', async () => {
    const c = connect({ contentType: 'text/event-stream; charset=utf-8' });
    await c.until('open');
    c.body.push('id: 1\ndata: a\n\n');
    c.body.push(': ping\n');
    c.body.push('retry: 3000\ndata: b\n\n');
    c.body.end();
    await c.until('fail');
    expect(c.calls).toEqual([
      ['open'],
      ['activity'],
      ['event', msg('a', '1')],
      ['activity'],
      ['activity'],
      ['retry', 3000],
      ['event', msg('b')],
      ['fail', expect.objectContaining({ ended: true })],
    ]);
    expect(c.failures()[0]?.fatal).toBeFalsy();
  });

  it('accepts the MIME type case-insensitively and with parameters', async () => {
    const c = connect({ contentType: 'Text/Event-Stream ; charset=UTF-8' });
    await c.until('open');
    expect(c.calls[0]).toEqual(['open']);
  });

  it.each([['text/plain'], ['text/event-streams'], [null]])(
    'fails fatally on 200 with Content-Type %s',
    async (contentType) => {
      const c = connect({ contentType });
      await c.until('fail');
      expect(c.calls).toEqual([['fail', expect.objectContaining({ status: 200, fatal: true })]]);
      expect(c.failures()[0]?.message).toEqual(expect.any(String));
    },
  );

  it('fails fatally on 204 No Content', async () => {
    const c = connect({ status: 204 });
    await c.until('fail');
    expect(c.calls).toEqual([['fail', expect.objectContaining({ status: 204, fatal: true })]]);
  });

  it.each([
    [401, true],
    [404, true],
    [408, false],
    [429, false],
    [500, false],
    [503, false],
  ])('HTTP %i fails with fatal %s and never opens', async (status, fatal) => {
    const c = connect({ status });
    await c.until('fail');
    expect(c.calls).toEqual([['fail', expect.objectContaining({ status })]]);
    expect(Boolean(c.failures()[0]?.fatal)).toBe(fatal);
    expect(c.failures()[0]?.message).toContain(String(status));
    // The refused response's body is let go.
    expect(c.init().signal?.aborted).toBe(true);
  });

  it('reports a rejected fetch as a non-fatal failure with the cause', async () => {
    const cause = new TypeError('Failed to fetch');
    const recorder = recordingSink();
    fetchTransport(() => Promise.reject(cause))(request(), recorder.sink);
    await recorder.until('fail');
    expect(recorder.calls).toEqual([['fail', expect.objectContaining({ cause })]]);
    expect(recorder.failures()[0]?.fatal).toBeFalsy();
    expect(recorder.failures()[0]?.status).toBeUndefined();
  });

  it('reports a read error mid-stream as a non-fatal failure with the cause', async () => {
    const c = connect();
    await c.until('open');
    c.body.push('data: a\n\n');
    await c.until('event');
    const cause = new TypeError('network error');
    c.body.error(cause);
    await c.until('fail');
    expect(c.failures()).toEqual([expect.objectContaining({ cause })]);
    expect(c.failures()[0]?.fatal).toBeFalsy();
    expect(c.failures()[0]?.ended).toBeFalsy();
  });
});

describe('fetchTransport: decoding', () => {
  it('joins a UTF-8 sequence split across chunks', async () => {
    const c = connect();
    await c.until('open');
    const bytes = [...encoder.encode('data: €😀\n\n')];
    c.body.push(bytes.slice(0, 7)); // 'data: ' and the first byte of €
    c.body.push(bytes.slice(7, 11)); // the rest of €, half of 😀
    c.body.push(bytes.slice(11));
    await c.until('event');
    expect(c.events()).toEqual([msg('€😀')]);
  });

  it.each([
    ['whole', [[0xef, 0xbb, 0xbf, ...encoder.encode('data: a\n\n')]]],
    ['split', [[0xef], [0xbb, 0xbf], [...encoder.encode('data: a\n\n')]]],
  ])('ignores a leading UTF-8 BOM (%s)', async (_name, chunks) => {
    const c = connect();
    await c.until('open');
    for (const chunk of chunks) c.body.push(chunk);
    await c.until('event');
    expect(c.events()).toEqual([msg('a')]);
  });

  it('ignores only one BOM', async () => {
    const c = connect();
    await c.until('open');
    c.body.push([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf, ...encoder.encode('data: a\n\ndata: b\n\n')]);
    await c.until('event');
    expect(c.events()).toEqual([msg('b')]);
  });

  it('handles a CRLF split across network chunks', async () => {
    const c = connect();
    await c.until('open');
    c.body.push('data: a\r');
    c.body.push('\ndata: b\r\n\r');
    c.body.push('\ndata: c\n\n');
    await c.until('event', 2);
    expect(c.events()).toEqual([msg('a\nb'), msg('c')]);
  });
});

describe('fetchTransport: close', () => {
  it('aborts the fetch and reports nothing, not even the abort', async () => {
    const c = connect();
    await c.until('open');
    c.body.push('data: a\n\n');
    await c.until('event');
    c.transport.close();
    expect(c.init().signal?.aborted).toBe(true);
    await settle();
    expect(c.calls.map((call) => call[0])).toEqual(['open', 'activity', 'event']);
  });

  it('never fetches when closed in the same task it was opened', async () => {
    const c = connect();
    c.transport.close();
    await settle();
    expect(c.fetch).not.toHaveBeenCalled();
    expect(c.calls).toEqual([]);
  });

  it('reports nothing when closed while the fetch is in flight', async () => {
    const c = connect({ held: true });
    await c.fetched;
    c.transport.close();
    expect(c.init().signal?.aborted).toBe(true);
    c.respond();
    await settle();
    expect(c.calls).toEqual([]);
  });

  it('neither opens nor reads when the fetch resolves after close() despite the abort', async () => {
    const c = connect({ ignoresAbort: true, held: true });
    await c.fetched;
    c.body.push('data: a\n\n');
    c.transport.close();
    c.respond();
    await settle();
    expect(c.calls).toEqual([]);
    expect(c.body.cancelled).toBe(true);
  });

  it('stops mid-chunk and ignores queued chunks when closed from an event handler', async () => {
    const server = serve({ ignoresAbort: true });
    const recorder = recordingSink();
    const transport = fetchTransport(server.fetch)(request(), {
      ...recorder.sink,
      event(event) {
        recorder.sink.event(event);
        transport.close();
      },
    });
    await recorder.until('open');
    server.body.push('data: 1\n\ndata: 2\n\n');
    server.body.push('data: 3\n\n');
    server.body.end();
    await recorder.until('event');
    await settle();
    expect(recorder.events()).toEqual([msg('1')]);
    expect(recorder.count('fail')).toBe(0);
    expect(server.body.cancelled).toBe(true);
  });

  it('is idempotent, and close() after a failure reports nothing more', async () => {
    const c = connect({ status: 500 });
    await c.until('fail');
    c.transport.close();
    c.transport.close();
    await settle();
    expect(c.count('fail')).toBe(1);
  });

  it('reports a single failure and nothing after it', async () => {
    const c = connect();
    await c.until('open');
    c.body.push('data: a\n\n');
    c.body.error(new TypeError('reset'));
    await c.until('fail');
    await settle();
    expect(c.count('fail')).toBe(1);
    expect(c.calls.at(-1)?.[0]).toBe('fail');
  });
});

describe('fetchStreamingSupported', () => {
  it('is true where fetch streams (Node 20)', () => {
    expect(fetchStreamingSupported()).toBe(true);
  });

  it.each([['fetch'], ['ReadableStream'], ['AbortController'], ['TextDecoder']])(
    'is false without %s, checked when called',
    (name) => {
      vi.stubGlobal(name, undefined);
      expect(fetchStreamingSupported()).toBe(false);
    },
  );
});
