import { describe, expect, it } from 'vitest';
import { openSse, openWs, send, start } from './helpers.js';

describe('POST /publish', () => {
  it('appends with monotonic ids and fans out live to every SSE and WS client', async () => {
    const server = await start();
    const a = await openSse(`${server.url}/events`);
    const b = await openSse(`${server.url}/events`);
    const ws = await openWs(`${server.url}/ws`);
    await ws.waitFor('retry frame', (f) => f.startsWith('retry:'));

    const first = await send(`${server.url}/publish`, 'POST', { event: 'greet', data: 'hello\nworld' });
    const second = await send(`${server.url}/publish`, 'POST', { data: { n: 2 } });
    expect(first).toEqual({ status: 200, json: { id: '1' } });
    expect(second).toEqual({ status: 200, json: { id: '2' } });

    for (const reader of [a, b]) {
      const [one, two] = await reader.events(2);
      expect(one).toMatchObject({ id: '1', event: 'greet', data: 'hello\nworld' });
      expect(two).toMatchObject({ id: '2', data: '{"n":2}' });
      expect(two?.event).toBeUndefined();
    }
    expect(await ws.waitFor('a match', (f) => f.startsWith('id: 1'))).toBe(
      'id: 1\nevent: greet\ndata: hello\ndata: world\n\n',
    );
    expect(await ws.next()).toBe('id: 2\ndata: {"n":2}\n\n');
    expect(server.log.lastId).toBe(2);
  });

  it('publishes a batch all at once, honouring supplied ids', async () => {
    const server = await start();
    const reader = await openSse(`${server.url}/events`);
    const batch = Array.from({ length: 2000 }, (_, i) => ({ event: 'n', data: String(i) }));
    batch[0] = { event: 'n', data: '0', id: 100 } as (typeof batch)[number];
    const res = await send(`${server.url}/publish`, 'POST', batch);
    expect(res.status).toBe(200);
    const ids = res.json.ids as string[];
    expect(ids).toHaveLength(2000);
    expect(ids[0]).toBe('100');
    expect(ids[1999]).toBe('2099');
    const events = await reader.events(2000);
    expect(events.map((e) => e.data)).toEqual(batch.map((e) => e.data));
    expect(events.map((e) => Number(e.id)).every((id, i, all) => i === 0 || id === (all[i - 1] ?? 0) + 1)).toBe(true);
  });

  it('carries a 1 MB event intact', async () => {
    const server = await start();
    const reader = await openSse(`${server.url}/events`);
    const data = 'x'.repeat(1024 * 1024);
    const res = await send(`${server.url}/publish`, 'POST', { event: 'big', data });
    expect(res.status).toBe(200);
    const [event] = await reader.events(1, 10_000);
    expect(event?.data?.length).toBe(data.length);
  });

  it.each([
    ['not JSON', '{oops'],
    ['empty body', ''],
    ['a JSON string', '"hi"'],
    ['missing data', { event: 'x' }],
    ['event name with a newline', { event: 'a\nb', data: 'x' }],
    ['event name with a carriage return', { event: 'a\rb', data: 'x' }],
    ['non-string event name', { event: 5, data: 'x' }],
    ['id not above the last', { data: 'x', id: 1 }],
    ['fractional id', { data: 'x', id: 7.5 }],
    ['id that is not a number', { data: 'x', id: 'seven' }],
    ['batch with one bad item', [{ data: 'ok' }, { data: 'ok' }, { nodata: true }]],
    [
      'batch with ids out of order',
      [
        { data: 'a', id: 50 },
        { data: 'b', id: 40 },
      ],
    ],
    ['body over the limit', { data: 'x'.repeat(1024 * 1024 + 70 * 1024) }],
  ])('rejects %s with 400 and changes nothing', async (name, body) => {
    const server = await start();
    server.publish({ data: 'seed' });
    const reader = await openSse(`${server.url}/events`, { headers: { 'Last-Event-ID': '1' } });
    await reader.waitFor('retry', (b) => b.retry !== undefined);

    const res = await send(`${server.url}/publish`, 'POST', body);
    expect(res.status).toBe(400);
    expect(typeof res.json.error).toBe('string');
    expect(res.json.error?.length).toBeGreaterThan(5);
    if (name === 'body over the limit') expect(res.json.error).toMatch(/limit/);
    expect(server.log.lastId).toBe(1);
    expect(server.log.size).toBe(1);

    // Nothing was fanned out either: the next event a client sees is the next good one.
    expect(server.publish({ data: 'after' })).toBe('2');
    const [next] = await reader.events(1);
    expect(next).toMatchObject({ id: '2', data: 'after' });
  });

  it('rejects other methods on /publish', async () => {
    const server = await start();
    expect((await send(`${server.url}/publish`, 'GET')).status).toBe(405);
  });

  it('throws from the in-process publish API on bad input', async () => {
    const server = await start();
    expect(() => server.publish({ data: undefined })).toThrow(/data/);
    expect(() => server.publish({ event: 'a\nb', data: 'x' })).toThrow(/line break/);
    expect(server.log.size).toBe(0);
  });
});
