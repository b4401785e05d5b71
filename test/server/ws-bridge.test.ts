import { describe, expect, it } from 'vitest';
import { formatEvent } from '../../playground/server/sse-format.js';
import { openSse, openWs, start } from './helpers.js';

describe('WebSocket bridge /ws', () => {
  it('sends retry first, then replays after lastEventId, one exact SSE text per frame', async () => {
    const server = await start({ retryMs: 1500 });
    server.publish({ data: 'a' });
    server.publish({ event: 'multi', data: 'x\r\ny' });
    server.publish({ data: { json: true } });
    const ws = await openWs(`${server.url}/ws?lastEventId=1`);
    expect(await ws.next()).toBe('retry: 1500\n\n');
    const expected = server.log.entries().slice(1).map(formatEvent);
    expect([await ws.next(), await ws.next()]).toEqual(expected);
    expect(expected[0]).toBe('id: 2\nevent: multi\ndata: x\ndata: y\n\n');
  });

  it('sends live events with the same bytes the SSE stream carries', async () => {
    const server = await start();
    const ws = await openWs(`${server.url}/ws`);
    const sse = await openSse(`${server.url}/events`);
    await ws.next();
    await sse.next();
    const from = sse.text.length;
    server.publish({ event: 'tick', data: 'line one\nline two' });
    server.publish({ data: '' });
    await sse.events(2);
    const frames = [await ws.next(), await ws.next()];
    expect(frames.join('')).toBe(sse.text.slice(from));
  });

  it('takes Last-Event-ID from a header too (for non-browser clients)', async () => {
    const server = await start();
    for (const data of ['a', 'b', 'c']) server.publish({ data });
    const ws = await openWs(`${server.url}/ws?lastEventId=1`, { 'Last-Event-ID': '2' });
    expect(await ws.waitFor('a match', (f) => f.startsWith('id:'))).toBe('id: 3\ndata: c\n\n');
  });

  it('sends a reset frame when the id left the log', async () => {
    const server = await start({ capacity: 2 });
    for (const data of ['a', 'b', 'c', 'd']) server.publish({ data });
    const ws = await openWs(`${server.url}/ws?lastEventId=1`);
    await ws.next();
    expect(await ws.next()).toBe('event: reset\ndata: {"requested":"1","oldest":"3"}\n\n');
    expect(await ws.next()).toBe('id: 3\ndata: c\n\n');
    expect(await ws.next()).toBe('id: 4\ndata: d\n\n');
  });

  it('records the upgrade and refuses other paths', async () => {
    const server = await start();
    await openWs(`${server.url}/ws?lastEventId=7`);
    expect(server.requests[0]).toMatchObject({
      endpoint: 'ws',
      method: 'GET',
      url: '/ws?lastEventId=7',
      lastEventId: '7',
      status: 101,
    });
    await expect(openWs(`${server.url}/elsewhere`)).rejects.toMatchObject({ status: 404 });
    expect((await fetch(`${server.url}/ws`)).status).toBe(426);
  });
});

describe('heartbeats', () => {
  it('SSE gets a heartbeat comment and a heartbeat event (without id) every heartbeatMs', async () => {
    const server = await start({ heartbeatMs: 50 });
    const sse = await openSse(`${server.url}/events`);
    const comment = await sse.waitFor('heartbeat comment', (b) => b.comments.some((c) => c.startsWith('heartbeat ')));
    expect(comment.raw).toMatch(/^: heartbeat \d{13}$/);
    const event = await sse.waitFor('heartbeat event', (b) => b.event === 'heartbeat');
    expect(event.id).toBeUndefined();
    expect(Math.abs(Number(event.data) - Date.now())).toBeLessThan(5000);
    const beats = () => sse.blocks.filter((b) => b.event === 'heartbeat').length;
    await sse.until('three heartbeats', () => beats() >= 3);
  });

  it('WebSocket gets heartbeat comment frames and heartbeat event frames', async () => {
    const server = await start({ heartbeatMs: 50 });
    const ws = await openWs(`${server.url}/ws`);
    const comment = await ws.waitFor('a match', (f) => f.startsWith(': heartbeat'));
    expect(comment).toMatch(/^: heartbeat \d{13}\n\n$/);
    expect(await ws.next()).toMatch(/^event: heartbeat\ndata: \d{13}\n\n$/);
  });

  it('heartbeat=comment: SSE and WebSocket ticks are the comment alone, other connections unchanged', async () => {
    const server = await start({ heartbeatMs: 50 });
    const sse = await openSse(`${server.url}/events?heartbeat=comment`);
    const ws = await openWs(`${server.url}/ws?heartbeat=comment`);
    const both = await openSse(`${server.url}/events`);
    const comments = () => sse.blocks.filter((b) => b.comments.some((c) => c.startsWith('heartbeat '))).length;
    await sse.until('three heartbeat comments', () => comments() >= 3);
    expect(sse.blocks.filter((b) => b.event === 'heartbeat')).toEqual([]);
    for (let i = 0; i < 3; i++)
      expect(await ws.waitFor('a match', (f) => !f.startsWith('retry:'))).toMatch(/^: heartbeat \d{13}\n\n$/);
    await both.waitFor('a heartbeat event on the other connection', (b) => b.event === 'heartbeat');
  });
});
