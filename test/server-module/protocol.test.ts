/**
 * The protocol as the client expects it, over real sockets, for both logs:
 * headers, retry, ids, resume by header and query, reset on a gap, data lines,
 * refused publishes and connections, slow clients, clean close.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { type EventLog, memoryLog, redisLog } from '../../src/server/index.js';
import { RedisServer } from './redis-server.js';
import { openSse, openWs, publishNumbered, serve, upgradeStatus } from './support.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await RedisServer.start();
});
afterAll(() => redis?.dispose());

let keys = 0;

/** A log holding at most `keep` events; `trim()` applies that bound (Redis trims on its own only approximately). */
type MakeLog = (keep: number) => { log: EventLog; trim(): Promise<void> };

const logs: Array<[name: string, make: MakeLog]> = [
  ['memoryLog', (keep) => ({ log: memoryLog({ capacity: keep }), trim: async () => {} })],
  [
    'redisLog',
    (keep) => {
      const client = redis.client();
      const key = `test-${process.pid}-${++keys}`;
      return {
        log: redisLog({ client, key, maxLen: 100_000, blockMs: 1000 }),
        trim: async () => {
          await client.call('XTRIM', key, 'MAXLEN', keep);
        },
      };
    },
  ],
];

describe.each(logs)('protocol with %s', (_name, make) => {
  const start = async (keep = 1000, options = {}) => {
    const made = make(keep);
    return { ...(await serve({ log: made.log, ...options })), trim: made.trim };
  };

  it('answers text/event-stream, no-cache, headers at once, then retry:', async () => {
    const { events } = await start(1000, { retry: 1234 });
    const sse = await openSse(events);
    expect(sse.response.status).toBe(200);
    expect(sse.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(sse.response.headers.get('cache-control')).toBe('no-cache');
    expect((await sse.next()).retry).toBe('1234');
  });

  it('sends every published event live, each with the id publish() returned, in order', async () => {
    const { stream, events } = await start();
    const sse = await openSse(events);
    await sse.next(); // retry:
    const ids = await publishNumbered(stream, 0, 5);
    const got = await sse.events(5);
    expect(got.map((b) => b.id)).toEqual(ids);
    expect(got.map((b) => JSON.parse(b.data ?? '').n)).toEqual([0, 1, 2, 3, 4]);
    expect(got.every((b) => b.event === 'n')).toBe(true);
  });

  it('replays after the Last-Event-ID header, and after the lastEventId query parameter', async () => {
    const { stream, events } = await start();
    const ids = await publishNumbered(stream, 0, 6);
    const byHeader = await openSse(events, { headers: { 'Last-Event-ID': ids[2] as string } });
    expect((await byHeader.events(3)).map((b) => b.id)).toEqual(ids.slice(3));
    const byQuery = await openSse(`${events}?lastEventId=${encodeURIComponent(ids[4] as string)}`);
    expect((await byQuery.events(1)).map((b) => b.id)).toEqual(ids.slice(5));
    // The header wins over the query parameter.
    const both = await openSse(`${events}?lastEventId=${encodeURIComponent(ids[0] as string)}`, {
      headers: { 'Last-Event-ID': ids[4] as string },
    });
    const [next] = await publishNumbered(stream, 6, 1);
    expect((await both.events(2)).map((b) => b.id)).toEqual([ids[5], next]);
  });

  it('a resume from the newest id replays nothing, then streams live without a repeat', async () => {
    const { stream, events } = await start();
    const ids = await publishNumbered(stream, 0, 3);
    const sse = await openSse(events, { headers: { 'Last-Event-ID': ids[2] as string } });
    await sse.next();
    const live = await publishNumbered(stream, 3, 2);
    const got = await sse.events(2);
    expect(got.map((b) => b.id)).toEqual(live);
    expect(sse.blocks.some((b) => b.event === 'reset')).toBe(false);
  });

  it('sends a reset (requested and oldest ids) before the replay when the id has left the log', async () => {
    const { stream, events, trim } = await start(3);
    const ids = await publishNumbered(stream, 0, 6);
    await trim();
    const sse = await openSse(events, { headers: { 'Last-Event-ID': ids[0] as string } });
    const reset = await sse.waitFor('the reset', (b) => b.event === 'reset');
    expect(JSON.parse(reset.data ?? '')).toEqual({ requested: ids[0], oldest: ids[3] });
    expect((await sse.events(3)).map((b) => b.id)).toEqual(ids.slice(3));
    // The reset came before the replay, right after retry:.
    expect(sse.blocks.map((b) => b.event ?? (b.retry ? 'retry' : '?'))).toEqual(['retry', 'reset', 'n', 'n', 'n']);
  });

  it('an id this log never issued gets a reset and everything held', async () => {
    const { stream, events } = await start();
    const ids = await publishNumbered(stream, 0, 2);
    const sse = await openSse(events, { headers: { 'Last-Event-ID': 'not-an-id' } });
    const reset = await sse.waitFor('the reset', (b) => b.event === 'reset');
    expect(JSON.parse(reset.data ?? '')).toEqual({ requested: 'not-an-id', oldest: ids[0] });
    expect((await sse.events(2)).map((b) => b.id)).toEqual(ids);
  });

  it('splits data with line breaks into data: lines, and the client reads it back whole', async () => {
    const { stream, events } = await start();
    const sse = await openSse(events);
    await sse.next();
    await stream.publish({ event: 'text', data: 'one\ntwo\r\nthree\rfour' });
    const [block] = await sse.events(1);
    expect(block?.raw).toContain('data: one\ndata: two\ndata: three\ndata: four');
    expect(block?.data).toBe('one\ntwo\nthree\nfour');
  });

  it('refuses bad publish input with a clear error and writes nothing', async () => {
    const { stream, events } = await start();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expect(stream.publish({ data: cyclic })).rejects.toThrow(/cannot be serialised/);
    await expect(stream.publish({ data: 1n })).rejects.toThrow(/cannot be serialised/);
    await expect(stream.publish({ data: () => 1 })).rejects.toThrow(/cannot be serialised/);
    await expect(stream.publish({ event: 'a\nid: 9', data: 'x' })).rejects.toThrow(/CR, LF or NUL/);
    await expect(stream.publish({ event: 'a\0', data: 'x' })).rejects.toThrow(/CR, LF or NUL/);
    await expect(stream.publish({ data: undefined })).rejects.toThrow(/"data" is missing/);
    await expect(stream.publish({ data: 'x', id: '5' } as never)).rejects.toThrow(/assigned by the log/);
    const id = await stream.publish({ data: 'ok' });
    const sse = await openSse(events, { headers: { 'Last-Event-ID': 'not-an-id' } });
    // Only the valid event is in the log.
    const got = await sse.events(1);
    expect(got.map((b) => [b.id, b.data])).toEqual([[id, 'ok']]);
    expect(sse.blocks.filter((b) => b.id !== undefined)).toHaveLength(1);
  });

  it('authorize can refuse with 204, 401 or 403 (SSE and WebSocket), and accept', async () => {
    const { events, ws } = await start(1000, {
      authorize: ({ url }: { url: URL }) => {
        const answer = url.searchParams.get('answer');
        return answer === 'ok' ? true : answer === 'no' ? false : (Number(answer) as 204 | 401 | 403);
      },
      refuseStatus: 401,
    });
    for (const answer of ['204', '401', '403']) {
      expect((await fetch(`${events}?answer=${answer}`)).status).toBe(Number(answer));
      expect(await upgradeStatus(`${ws}?answer=${answer}`)).toBe(Number(answer));
    }
    expect((await fetch(`${events}?answer=no`)).status).toBe(401);
    const sse = await openSse(`${events}?answer=ok`);
    expect(sse.response.status).toBe(200);
  });

  it('a throwing authorize refuses (403) and reports the error', async () => {
    const errors: Error[] = [];
    const { events } = await start(1000, {
      authorize: () => {
        throw new Error('auth backend down');
      },
      onError: (error: Error) => errors.push(error),
    });
    expect((await fetch(events)).status).toBe(403);
    expect(errors.map((e) => e.message)).toEqual(['auth backend down']);
  });

  it('the WebSocket bridge: one frame per SSE message, resume by lastEventId', async () => {
    const { stream, ws } = await start();
    const ids = await publishNumbered(stream, 0, 3);
    const reader = await openWs(`${ws}?lastEventId=${encodeURIComponent(ids[0] as string)}`);
    expect(await reader.next()).toMatch(/^retry: \d+\n\n$/);
    expect(await reader.next()).toBe(`id: ${ids[1]}\nevent: n\ndata: {"n":1}\n\n`);
    expect(await reader.next()).toBe(`id: ${ids[2]}\nevent: n\ndata: {"n":2}\n\n`);
    const [live] = await publishNumbered(stream, 3, 1);
    expect(await reader.next()).toBe(`id: ${live}\nevent: n\ndata: {"n":3}\n\n`);
  });

  it('fetch(): a Web Request answered with a streaming Response', async () => {
    const { stream } = await start();
    const ids = await publishNumbered(stream, 0, 2);
    const abort = new AbortController();
    const response = await stream.fetch(
      new Request('http://localhost/events', { headers: { 'Last-Event-ID': ids[0] as string }, signal: abort.signal }),
    );
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!text.includes(`id: ${ids[1]}\n`)) text += decoder.decode((await reader.read()).value);
    expect(text.startsWith('retry: 500\n\n')).toBe(true);
    expect(stream.connectionCount).toBe(1);
    await reader.cancel();
    expect(stream.connectionCount).toBe(0);
  });

  it('heartbeats: a comment and an event: heartbeat on every tick', async () => {
    const { events } = await start(1000, { heartbeat: 100 });
    const sse = await openSse(events);
    const event = await sse.waitFor('a heartbeat event', (b) => b.event === 'heartbeat');
    expect(event.data).toMatch(/^\d+$/);
    expect(sse.blocks.some((b) => b.comments.some((c) => c.startsWith('heartbeat ')))).toBe(true);
  });

  it('cuts off a client that stops reading once its backlog passes the bound; others are unaffected', async () => {
    const { stream, events } = await start(100_000, { maxBufferedBytes: 64 * 1024 });
    const fast = await openSse(events);
    await fast.next();
    // A raw socket that sends the request and then never reads: the backlog can only grow on the server.
    const slow = connect(Number(new URL(events).port), '127.0.0.1');
    onTestFinished(() => {
      slow.destroy();
    });
    slow.pause();
    slow.write(`GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    await expect.poll(() => stream.connectionCount, { timeout: 10_000 }).toBe(2);
    const big = 'x'.repeat(16 * 1024);
    let published = 0;
    while (stream.connectionCount === 2 && published < 5000) {
      await stream.publish({ data: big });
      published++;
      // A macrotask turn, so the fast client gets to read.
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(stream.connectionCount).toBe(1);
    await fast.waitFor('an event on the fast client', (b) => b.id !== undefined);
    expect(fast.ended).toBe(false);
  });

  it('close() ends every connection cleanly and leaves none behind', async () => {
    const { stream, events, ws } = await start();
    const sse = await openSse(events);
    const socket = await openWs(ws);
    await sse.next();
    await socket.next();
    expect(stream.connectionCount).toBe(2);
    await stream.close();
    await sse.whenEnded();
    await socket.whenEnded();
    expect(sse.error).toBeUndefined();
    expect(stream.connectionCount).toBe(0);
    await expect(stream.publish({ data: 'late' })).rejects.toThrow(/after close/);
  });
});
