import { describe, expect, it } from 'vitest';
import { openSse, openWs, send, start, upgradeStatus } from './helpers.js';

describe('status and availability faults', () => {
  it('answers the next K stream requests (SSE and WS) with the status, then streams normally', async () => {
    const server = await start();
    await send(`${server.url}/faults`, 'POST', { status: { code: 503, count: 3 } });
    expect((await send(`${server.url}/faults`, 'GET')).json).toEqual({ status: { code: 503, count: 3 } });

    const first = await fetch(`${server.url}/events`);
    expect(first.status).toBe(503);
    expect(await first.text()).toContain('503');
    expect(await upgradeStatus(`${server.url}/ws`)).toBe(503);
    expect((await fetch(`${server.url}/events`, { method: 'POST', body: 'x' })).status).toBe(503);

    const ok = await openSse(`${server.url}/events`);
    expect(ok.response.status).toBe(200);
    expect(await upgradeStatus(`${server.url}/ws`)).toBe(101);
    expect((await send(`${server.url}/faults`, 'GET')).json).toEqual({});
    expect(server.requests.map((r) => [r.endpoint, r.status])).toEqual([
      ['sse', 503],
      ['ws', 503],
      ['sse', 503],
      ['sse', 200],
      ['ws', 101],
    ]);
  });

  it('204 comes with an empty body; 401 reaches WebSocket upgrades too', async () => {
    const server = await start();
    await send(`${server.url}/faults`, 'POST', { status: { code: 204, count: 1 } });
    const res = await fetch(`${server.url}/events`);
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');

    await send(`${server.url}/faults`, 'POST', { status: { code: 401, count: 1 } });
    expect(await upgradeStatus(`${server.url}/ws`)).toBe(401);
    expect((await fetch(`${server.url}/events`)).headers.get('content-type')).toContain('text/event-stream');
  });

  it('sseDisabled answers 503 on /events until cleared while /ws keeps working', async () => {
    const server = await start();
    server.publish({ data: 'one' });
    await send(`${server.url}/faults`, 'POST', { sseDisabled: true });
    for (let i = 0; i < 3; i++) expect((await fetch(`${server.url}/events`)).status).toBe(503);
    const ws = await openWs(`${server.url}/ws?lastEventId=0`);
    expect(await ws.waitFor('a match', (f) => f.startsWith('id:'))).toBe('id: 1\ndata: one\n\n');

    await send(`${server.url}/faults`, 'POST', { sseDisabled: false });
    expect((await openSse(`${server.url}/events`)).response.status).toBe(200);
  });

  it('wsDisabled answers upgrades with 503 while /events keeps working', async () => {
    const server = await start();
    await send(`${server.url}/faults`, 'POST', { wsDisabled: true });
    expect(await upgradeStatus(`${server.url}/ws`)).toBe(503);
    expect((await openSse(`${server.url}/events`)).response.status).toBe(200);
    await send(`${server.url}/faults`, 'DELETE');
    expect(await upgradeStatus(`${server.url}/ws`)).toBe(101);
  });

  it('faults combine, show in GET /faults and /debug/stats, and clear together', async () => {
    const server = await start();
    const set = await send(`${server.url}/faults`, 'POST', {
      sseDisabled: true,
      wsDisabled: true,
      malformed: true,
      drip: true,
      stall: 5,
      status: { code: 500, count: 2 },
    });
    expect(set.status).toBe(200);
    const active = (await send(`${server.url}/faults`, 'GET')).json;
    expect(Object.keys(active).sort()).toEqual(['drip', 'malformed', 'sseDisabled', 'stall', 'status', 'wsDisabled']);
    expect(active.drip).toEqual({ chunkBytes: 3, intervalMs: 20 });
    const { stall, ...rest } = active as { stall: { until: number } };
    expect((await send(`${server.url}/debug/stats`, 'GET')).json.faults).toMatchObject({
      ...rest,
      stall: { until: stall.until },
    });

    await send(`${server.url}/faults`, 'POST', { clear: true, malformed: true });
    expect((await send(`${server.url}/faults`, 'GET')).json).toEqual({ malformed: true });
    await send(`${server.url}/faults`, 'DELETE');
    expect((await send(`${server.url}/faults`, 'GET')).json).toEqual({});
    expect((await fetch(`${server.url}/events`)).status).toBe(200);
  });

  it('rejects a bad fault body with 400 and applies none of it', async () => {
    const server = await start();
    for (const body of ['nope', { sseDisabled: true, bogus: 1 }, { sseDisabled: true, status: { code: 42 } }]) {
      const res = await send(`${server.url}/faults`, 'POST', body);
      expect(res.status).toBe(400);
      expect(res.json.error).toBeTruthy();
    }
    expect((await send(`${server.url}/faults`, 'GET')).json).toEqual({});
  });
});
