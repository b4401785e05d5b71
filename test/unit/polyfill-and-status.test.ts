import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSource, FakeEventSource, setupFakes, teardownFakes } from './support/setup';

// The polyfill reports HTTP statuses on its error events; the fake does the same.
vi.mock('event-source-polyfill', async () => ({
  EventSourcePolyfill: (await import('./support/fake-event-source')).FakeEventSource,
}));

beforeEach(() => {
  setupFakes();
});
afterEach(teardownFakes);

async function polyfillSource(options: Parameters<typeof createSource>[0] = {}) {
  const created = createSource({ transport: 'polyfill', reconnect: { initialDelay: 10 }, ...options });
  await vi.waitFor(() => expect(FakeEventSource.instances.length).toBeGreaterThan(0));
  return created;
}

describe('polyfill transport', () => {
  it('is loaded lazily and configured so that only our watchdog decides', async () => {
    const { source } = await polyfillSource({ headers: { Authorization: 'Bearer x' }, withCredentials: true });
    expect(source.transport).toBe('polyfill');
    expect(FakeEventSource.last.init).toMatchObject({
      withCredentials: true,
      heartbeatTimeout: 18_000_000,
      headers: { Authorization: 'Bearer x' },
    });
  });

  it('sends Last-Event-ID as a header and a query parameter on reconnect', async () => {
    const { source } = await polyfillSource();
    source.on('message', () => {});
    FakeEventSource.last.accept();
    FakeEventSource.last.send('message', '1', '12');
    FakeEventSource.last.error();
    await vi.advanceTimersByTimeAsync(10);
    expect(FakeEventSource.instances).toHaveLength(2);
    expect(FakeEventSource.last.init).toMatchObject({ headers: { 'Last-Event-ID': '12' } });
    expect(new URL(FakeEventSource.last.url).searchParams.get('lastEventId')).toBe('12');
  });

  it('counts every chunk its fetch stream receives as activity, comments included', async () => {
    let push: (text: string) => void = () => {};
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        push = (text) => controller.enqueue(new TextEncoder().encode(text));
      },
    });
    vi.stubGlobal('fetch', async () => new Response(body, { headers: { 'Content-Type': 'text/event-stream' } }));
    const { source, errors } = await polyfillSource({ heartbeatTimeout: 3000 });
    const es = FakeEventSource.last;
    // The polyfill creates its Transport per connection and hands it the callbacks: here, by hand.
    const Transport = es.init?.Transport as new () => { open(...args: unknown[]): { abort(): void } };
    es.accept();
    const received: string[] = [];
    const stream = new Transport().open(
      null,
      () => {},
      (text: string) => received.push(text),
      () => {},
      es.url,
      false,
      {},
    );
    for (let i = 0; i < 5; i++) {
      push(': ping\n\n');
      await vi.advanceTimersByTimeAsync(2000);
    }
    expect(received).toHaveLength(5);
    expect(errors).toEqual([]);
    expect(source.state).toBe('open');
    // Once the chunks stop, the watchdog fires.
    stream.abort();
    await vi.advanceTimersByTimeAsync(3000);
    expect(errors.map((e) => e.type)).toEqual(['heartbeat-timeout']);
  });

  it('auto picks the polyfill when headers are set and fetch cannot stream', async () => {
    vi.stubGlobal('fetch', undefined);
    const { source } = createSource({ headers: { A: 'b' } });
    expect(source.transport).toBe('polyfill');
    await vi.waitFor(() => expect(FakeEventSource.instances).toHaveLength(1));
  });
});

describe('status handling (where the transport reveals it)', () => {
  it('204 closes for good: state closed, reason 204, no further request', async () => {
    const { source, changes, errors } = await polyfillSource();
    FakeEventSource.last.error(204);
    expect(source.state).toBe('closed');
    expect(changes.at(-1)).toMatchObject({ state: 'closed', reason: '204' });
    expect(errors).toEqual([]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeEventSource.instances).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it.each([401, 403, 404])('%i reports an http error with the status, then stops', async (status) => {
    const { source, changes, errors } = await polyfillSource();
    FakeEventSource.last.error(status);
    expect(errors.at(-1)).toMatchObject({ type: 'http', status });
    expect(changes.at(-1)).toMatchObject({ state: 'closed', reason: 'fatal' });
    expect(source.state).toBe('closed');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeEventSource.instances).toHaveLength(1);
  });

  it.each([500, 502, 503, 408, 429])('%i retries with backoff', async (status) => {
    const { changes, errors } = await polyfillSource();
    FakeEventSource.last.error(status);
    expect(errors.at(-1)).toMatchObject({ type: 'http', status });
    expect(changes.at(-1)).toMatchObject({ state: 'reconnecting', reason: 'http', delay: 10 });
    await vi.advanceTimersByTimeAsync(10);
    expect(FakeEventSource.instances).toHaveLength(2);
  });

  it('native EventSource never reveals a status: its failures are transient', () => {
    const { changes, errors } = createSource({ reconnect: { initialDelay: 10 } });
    FakeEventSource.last.error();
    expect(errors.at(-1)).toMatchObject({ type: 'network' });
    expect(errors.at(-1)?.status).toBeUndefined();
    expect(changes.at(-1)).toMatchObject({ state: 'reconnecting', reason: 'network' });
  });
});
