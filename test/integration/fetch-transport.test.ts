import { describe, expect, it } from 'vitest';
import type { RunningServer } from '../../playground/server/server';
import { expectExactlyOnceInOrder, fault, publishNumbered, serverPerTest, streamRequests } from './support';
import { until } from '../support/wait';

const context = serverPerTest();
const server = (): RunningServer => context.server();
const open = (options: Parameters<typeof context.open>[1] = {}, path = '/events') =>
  context.open(path, { transport: 'fetch', ...options });

describe('fetch transport against the reference server', () => {
  it('delivers events in order and tracks the last id', async () => {
    const { source, numbers } = open();
    await until("source.state to be 'open'", () => expect(source.state).toBe('open'));
    const ids = await publishNumbered(server(), 0, 50);
    await until('numbers to have length 50', () => expect(numbers).toHaveLength(50));
    expectExactlyOnceInOrder(numbers, 50);
    expect(source.lastEventId).toBe(ids.at(-1));
    expect(source.transport).toBe('fetch');
  });

  it('resumes after a drop with Last-Event-ID header and query parameter: nothing lost, nothing repeated', async () => {
    const { source, numbers, changes } = open();
    await until("source.state to be 'open'", () => expect(source.state).toBe('open'));
    await publishNumbered(server(), 0, 10);
    await until('numbers to have length 10', () => expect(numbers).toHaveLength(10));
    const lastId = source.lastEventId;
    await fault(server(), { drop: true });
    await publishNumbered(server(), 10, 10); // while the client is away
    await until('numbers to have length 20', () => expect(numbers).toHaveLength(20));
    expectExactlyOnceInOrder(numbers, 20);
    const resumed = streamRequests(server(), 'sse')[1]!;
    expect(resumed.headers['last-event-id']).toBe(lastId);
    expect(new URL(resumed.url, server().url).searchParams.getAll('lastEventId')).toEqual([lastId]);
    expect(changes.map((c) => c.state)).toEqual(['open', 'reconnecting', 'open']);
  });

  it('retries 5xx with growing delays, then recovers; errors carry the status', async () => {
    await fault(server(), { status: { code: 503, count: 3 } });
    const { source, changes, errors } = open({ reconnect: { initialDelay: 50, maxDelay: 1000, factor: 2 } });
    await until("source.state to be 'open'", () => expect(source.state).toBe('open'));
    expect(errors.map((e) => [e.type, e.status])).toEqual([
      ['http', 503],
      ['http', 503],
      ['http', 503],
    ]);
    const delays = changes.filter((c) => c.state === 'reconnecting').map((c) => c.delay);
    expect(delays.length).toBe(3);
    // the server's retry: 50 replaces initialDelay once seen; either way the delays grow
    expect(delays[1]!).toBeGreaterThan(delays[0]!);
    expect(delays[2]!).toBeGreaterThan(delays[1]!);
  });

  it.each([401, 403, 404])('%i stops with the status on the error, and no further request', async (code) => {
    await fault(server(), { status: { code, count: 1 } });
    const { source, errors, changes } = open();
    await until("source.state to be 'closed'", () => expect(source.state).toBe('closed'));
    expect(errors.at(-1)).toMatchObject({ type: 'http', status: code });
    expect(changes.at(-1)).toMatchObject({ state: 'closed', reason: 'fatal' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(streamRequests(server(), 'sse')).toHaveLength(1);
  });

  it('204 closes for good with reason 204 and no further request', async () => {
    await fault(server(), { status: { code: 204, count: 1 } });
    const { source, changes, errors } = open();
    await until("source.state to be 'closed'", () => expect(source.state).toBe('closed'));
    expect(changes.at(-1)).toMatchObject({ state: 'closed', reason: '204' });
    expect(errors).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(streamRequests(server(), 'sse')).toHaveLength(1);
  });

  it('comments alone keep the connection alive (no heartbeat event needed)', async () => {
    await context.restart({ heartbeatMs: 150 });
    // heartbeat=comment: the server's ticks are `: heartbeat <now>` only, so comments are all that keeps it alive.
    const { source, changes } = open({ heartbeatTimeout: 600, heartbeatEvent: null }, '/events?heartbeat=comment');
    const heartbeatEvents: unknown[] = [];
    source.on('heartbeat' as never, (event: unknown) => heartbeatEvents.push(event));
    await until("source.state to be 'open'", () => expect(source.state).toBe('open'));
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(changes.filter((c) => c.reason === 'heartbeat-timeout')).toEqual([]);
    expect(source.state).toBe('open');
    expect(heartbeatEvents).toEqual([]);
  });

  it('a stall is detected by the heartbeat timeout and resumed without loss', async () => {
    const { source, numbers, errors } = open({ heartbeatTimeout: 1000 });
    await until("source.state to be 'open'", () => expect(source.state).toBe('open'));
    await publishNumbered(server(), 0, 5);
    await until('numbers to have length 5', () => expect(numbers).toHaveLength(5));
    await fault(server(), { stall: 2 });
    await publishNumbered(server(), 5, 5);
    await until('numbers to have length 10', () => expect(numbers).toHaveLength(10));
    expectExactlyOnceInOrder(numbers, 10);
    expect(errors.some((e) => e.type === 'heartbeat-timeout')).toBe(true);
  });

  it("the server's retry: replaces the initial delay", async () => {
    await context.restart({ retryMs: 250 });
    const { source, changes } = open({ reconnect: { initialDelay: 5000, maxDelay: 10_000 } });
    await until("source.state to be 'open'", () => expect(source.state).toBe('open'));
    await fault(server(), { drop: true });
    await until("changes.some((c) => c.state === 'reconnecting') to be true", () =>
      expect(changes.some((c) => c.state === 'reconnecting')).toBe(true),
    );
    expect(changes.find((c) => c.state === 'reconnecting')?.delay).toBe(250); // retryMs of the server
  });

  it('a retry: below 100 ms counts as 100 ms, so a server cannot switch the backoff off', async () => {
    await context.restart({ retryMs: 0 });
    const { source, changes } = open({ reconnect: { initialDelay: 5000, maxDelay: 10_000 } });
    await until("source.state to be 'open'", () => expect(source.state).toBe('open'));
    await fault(server(), { drop: true });
    await until("changes.some((c) => c.state === 'reconnecting') to be true", () =>
      expect(changes.some((c) => c.state === 'reconnecting')).toBe(true),
    );
    expect(changes.find((c) => c.state === 'reconnecting')?.delay).toBe(100);
  });

  it('re-sends the POST body and calls the header function before every connection', async () => {
    let n = 0;
    const { source } = open({
      method: 'POST',
      body: JSON.stringify({ prompt: 'hello' }),
      headers: async () => ({ Authorization: `Bearer token-${++n}` }),
    });
    await until("source.state to be 'open'", () => expect(source.state).toBe('open'));
    await fault(server(), { drop: true });
    await until("streamRequests(server(), 'sse') to have length 2", () =>
      expect(streamRequests(server(), 'sse')).toHaveLength(2),
    );
    const requests = streamRequests(server(), 'sse');
    expect(requests.map((r) => r.method)).toEqual(['POST', 'POST']);
    expect(requests.map((r) => r.body)).toEqual(['{"prompt":"hello"}', '{"prompt":"hello"}']);
    expect(requests.map((r) => r.headers.authorization)).toEqual(['Bearer token-1', 'Bearer token-2']);
  });

  it('a stream that ends normally is reconnected, as the spec does', async () => {
    const body = Buffer.from('id: 1\nevent: n\ndata: {"n":0}\n\n').toString('base64url');
    const { numbers, changes } = open({ lastEventIdParam: null }, `/raw?b=${body}`);
    await until("changes.filter((c) => c.reason === 'ended').length to be greater than or equal 2", () =>
      expect(changes.filter((c) => c.reason === 'ended').length).toBeGreaterThanOrEqual(2),
    );
    expect(numbers.slice(0, 2)).toEqual([0, 0]);
  });

  it('malformed lines are ignored, invalid JSON is reported, and every real event still arrives', async () => {
    await fault(server(), { malformed: true });
    const { source, numbers, errors } = open();
    source.on('malformed', () => {});
    await until("source.state to be 'open'", () => expect(source.state).toBe('open'));
    await publishNumbered(server(), 0, 9);
    await until('numbers to have length 9', () => expect(numbers).toHaveLength(9));
    expectExactlyOnceInOrder(numbers, 9);
    expect(errors.some((e) => e.type === 'parse' && e.eventType === 'malformed')).toBe(true);
  });

  it("'auto' chooses fetch when headers are set", async () => {
    const { source } = open({ transport: 'auto', headers: { 'X-Token': 'a' } });
    await until("source.state to be 'open'", () => expect(source.state).toBe('open'));
    expect(source.transport).toBe('fetch');
    expect(streamRequests(server(), 'sse')[0]!.headers['x-token']).toBe('a');
  });

  it('close() ends the request: the server sees no open stream and no further request', async () => {
    const { source } = open();
    await until('server().connectionCount() to be 1', () => expect(server().connectionCount()).toBe(1));
    source.close();
    await until('server().connectionCount() to be 0', () => expect(server().connectionCount()).toBe(0));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(streamRequests(server(), 'sse')).toHaveLength(1);
  });
});
