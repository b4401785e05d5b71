import { describe, expect, it } from 'vitest';
import { openSse, openWs, send, start } from './helpers.js';
import { until } from '../support/wait';

describe('request log and stats', () => {
  it('records every /events and /ws request with headers, body, resume id and status', async () => {
    const server = await start();
    await openSse(`${server.url}/events?lastEventId=4`, {
      headers: { Authorization: 'Bearer t0k', 'Last-Event-ID': '5' },
    });
    await openSse(`${server.url}/events`, { method: 'POST', body: 'hello' });
    await openWs(`${server.url}/ws?lastEventId=9`);
    await send(`${server.url}/publish`, 'POST', { data: 'not recorded' });

    const { status, json } = await send(`${server.url}/debug/requests`, 'GET');
    expect(status).toBe(200);
    const list = json as unknown as Array<Record<string, unknown> & { headers: Record<string, string> }>;
    expect(list).toHaveLength(3);
    expect(list[0]).toMatchObject({
      endpoint: 'sse',
      method: 'GET',
      url: '/events?lastEventId=4',
      lastEventId: '5',
      status: 200,
    });
    expect(list[0]?.headers.authorization).toBe('Bearer t0k');
    expect(list[0]?.body).toBeUndefined();
    expect(list[1]).toMatchObject({ endpoint: 'sse', method: 'POST', body: 'hello', lastEventId: null, status: 200 });
    expect(list[2]).toMatchObject({ endpoint: 'ws', lastEventId: '9', status: 101 });
    expect(list[2]?.headers['sec-websocket-version']).toBe('13');
    for (const entry of list) expect(Math.abs((entry.t as number) - Date.now())).toBeLessThan(10_000);
    expect(server.requests).toHaveLength(3);
  });

  it('DELETE /debug/requests clears the log in place', async () => {
    const server = await start();
    const kept = server.requests;
    await openSse(`${server.url}/events`);
    expect((await send(`${server.url}/debug/requests`, 'DELETE')).json).toEqual({ cleared: 1 });
    expect((await send(`${server.url}/debug/requests`, 'GET')).json).toEqual([]);
    expect(kept).toBe(server.requests);
    expect(server.requests).toHaveLength(0);
  });

  it('caps the request log at 1000 entries, keeping the newest', async () => {
    const server = await start();
    await send(`${server.url}/faults`, 'POST', { status: { code: 500, count: 1005 } });
    for (let i = 0; i < 1005; i += 67) {
      const batch = Array.from({ length: Math.min(67, 1005 - i) }, (_, j) =>
        fetch(`${server.url}/events?n=${i + j}`).then((r) => r.text()),
      );
      await Promise.all(batch);
    }
    expect(server.requests).toHaveLength(1000);
    // Batches run one after another, so exactly 5 of the first batch were evicted.
    const n = server.requests.map((r) => Number(new URL(r.url, server.url).searchParams.get('n')));
    expect(n.filter((v) => v < 67)).toHaveLength(62);
    expect(n.filter((v) => v >= 938)).toHaveLength(67);
  });

  it('GET /debug/stats reports connections by kind, ids and faults', async () => {
    const server = await start({ capacity: 2 });
    expect((await send(`${server.url}/debug/stats`, 'GET')).json).toMatchObject({
      connections: { sse: 0, ws: 0 },
      lastId: null,
      oldestId: null,
    });
    for (const data of ['a', 'b', 'c']) server.publish({ data });
    await openSse(`${server.url}/events`);
    await openSse(`${server.url}/events`);
    await openWs(`${server.url}/ws`);
    await send(`${server.url}/faults`, 'POST', { malformed: true });
    await until('three connections', () => server.connectionCount() === 3);
    expect((await send(`${server.url}/debug/stats`, 'GET')).json).toMatchObject({
      connections: { sse: 2, ws: 1 },
      lastId: '3',
      oldestId: '2',
      faults: { malformed: true },
    });
  });
});
