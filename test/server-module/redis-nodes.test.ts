/**
 * redisLog across nodes in one process: one stream on one Redis serves every
 * node, each node holds one blocking read whatever its connection count, and
 * an outage ends connections and rejects publishes without crashing anything.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisLog } from '../../src/server/index.js';
import { RedisServer } from './redis-server.js';
import { openSse, publishNumbered, serve } from './support.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await RedisServer.start();
});
afterAll(() => redis?.dispose());

let keys = 0;
const nodesOn = (key: string, count: number) =>
  Promise.all(
    Array.from({ length: count }, () => serve({ log: redisLog({ client: redis.client(), key, blockMs: 1000 }) })),
  );

/** Clients blocked in a command (our XREAD loops) on this Redis. */
async function blockedClients(): Promise<number> {
  const info = String(await redis.client().call('INFO', 'clients'));
  return Number(/blocked_clients:(\d+)/.exec(info)?.[1]);
}

describe('redisLog across nodes', () => {
  it('an event published on node A reaches clients on node B, and a client resumes on B from an id seen on A', async () => {
    const key = `nodes-${++keys}`;
    const [a, b] = await nodesOn(key, 2);
    if (!a || !b) throw new Error('nodes');
    const onB = await openSse(b.events);
    await onB.next();
    const ids = await publishNumbered(a.stream, 0, 4);
    expect((await onB.events(4)).map((e) => e.id)).toEqual(ids);
    const resumed = await openSse(b.events, { headers: { 'Last-Event-ID': ids[1] as string } });
    expect((await resumed.events(2)).map((e) => e.id)).toEqual(ids.slice(2));
    // Ids from both nodes interleave into one ordered stream.
    const more = [...(await publishNumbered(b.stream, 4, 1)), ...(await publishNumbered(a.stream, 5, 1))];
    expect((await onB.events(2)).map((e) => e.id)).toEqual(more);
  });

  it('works the same with a RESP2 client on one node and a RESP3 client on the other', async () => {
    const key = `resp-${++keys}`;
    const two = await serve({ log: redisLog({ client: redis.client(2), key, blockMs: 1000 }) });
    const three = await serve({ log: redisLog({ client: redis.client(3), key, blockMs: 1000 }) });
    const readers = [await openSse(two.events), await openSse(three.events)];
    for (const reader of readers) await reader.next();
    const ids = [...(await publishNumbered(two.stream, 0, 2)), ...(await publishNumbered(three.stream, 2, 2))];
    for (const reader of readers) expect((await reader.events(4)).map((e) => e.id)).toEqual(ids);
    const resumed = await openSse(two.events, { headers: { 'Last-Event-ID': ids[0] as string } });
    expect((await resumed.events(3)).map((e) => e.id)).toEqual(ids.slice(1));
  });

  it('one blocking XREAD per node, however many connections it holds', async () => {
    const before = await blockedClients();
    const key = `fanout-${++keys}`;
    const [a, b] = await nodesOn(key, 2);
    if (!a || !b) throw new Error('nodes');
    const readers = await Promise.all(Array.from({ length: 30 }, (_, i) => openSse((i % 2 ? a : b).events)));
    await Promise.all(readers.map((r) => r.next()));
    await expect.poll(blockedClients, { timeout: 10_000 }).toBe(before + 2);
    const [id] = await publishNumbered(a.stream, 0, 1);
    for (const reader of readers) expect((await reader.events(1))[0]?.id).toBe(id);
    await expect.poll(blockedClients, { timeout: 10_000 }).toBe(before + 2);
  });

  it('when Redis goes away: publish rejects, connections end, nothing crashes; once back, streaming resumes', async () => {
    const key = `outage-${++keys}`;
    const errors: Error[] = [];
    const client = redis.client();
    const node = await serve({ log: redisLog({ client, key, blockMs: 1000 }), onError: (e) => errors.push(e) });
    const sse = await openSse(node.events);
    await sse.next();
    await publishNumbered(node.stream, 0, 1);
    await sse.events(1);

    await redis.stop();
    await sse.whenEnded(10_000);
    await expect(node.stream.publish({ data: 'while down' })).rejects.toThrow();
    // A client reconnecting meanwhile gets its stream ended rather than a hang.
    const during = await openSse(node.events, { headers: { 'Last-Event-ID': '1-0' } });
    await during.whenEnded(10_000);
    expect(errors.length).toBeGreaterThan(0);

    await redis.start();
    await expect.poll(() => client.status, { timeout: 10_000 }).toBe('ready');
    const after = await openSse(node.events);
    await after.next();
    // The loop picks up again: live events flow to a new connection (this Redis keeps nothing on disk).
    await expect
      .poll(
        async () => {
          await node.stream.publish({ event: 'n', data: { n: 1 } }).catch(() => undefined);
          return after.blocks.some((b) => b.event === 'n');
        },
        { timeout: 15_000, interval: 300 },
      )
      .toBe(true);
  });
});
