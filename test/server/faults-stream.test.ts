import { describe, expect, it } from 'vitest';
import { MALFORMED_PREFIX } from '../../playground/server/sse-format.js';
import { openSse, openWs, send, start } from './helpers.js';
import { until } from '../support/wait';

describe('stream faults', () => {
  it('drop destroys every SSE socket and terminates every WebSocket', async () => {
    const server = await start();
    const sse = await openSse(`${server.url}/events`);
    const ws = await openWs(`${server.url}/ws`);
    await sse.next();
    await until('two connections', () => server.connectionCount() === 2);

    const res = await send(`${server.url}/faults`, 'POST', { drop: true });
    expect(res.json.dropped).toBe(2);
    await sse.whenEnded();
    await ws.whenEnded();
    // Not a clean end: the fetch body errors out rather than finishing.
    expect(sse.error).toBeDefined();
    expect(ws.closeCode).toBe(1006);
    expect(server.connectionCount()).toBe(0);
    // Drop is an action, not a lasting fault.
    expect((await send(`${server.url}/faults`, 'GET')).json).toEqual({});
  });

  it('stall sends nothing (not even heartbeats) for the window, then resumes', async () => {
    const server = await start({ heartbeatMs: 40 });
    const sse = await openSse(`${server.url}/events`);
    await sse.waitFor('a heartbeat before the stall', (b) => b.event === 'heartbeat');

    const res = await send(`${server.url}/faults`, 'POST', { stall: 0.8 });
    const until = (res.json.active as { stall: { until: number } }).stall.until;
    const quietFrom = Date.now();
    server.publish({ data: 'during stall' });
    // A connection opened during the stall gets no headers until it ends.
    const late = await openSse(`${server.url}/events?lastEventId=0`);
    const lateHeadersAt = Date.now();

    const event = await sse.waitFor('the stalled event', (b) => b.id === '1', 5000);
    expect(event.data).toBe('during stall');
    const held = sse.chunks.find((c) => Buffer.from(c.bytes).toString().includes('during stall'));
    expect(held?.t).toBeGreaterThanOrEqual(until - 20);
    // Margin at the start: a heartbeat written just before the stall may still be in flight.
    const during = sse.chunks.filter((c) => c.t > quietFrom + 100 && c.t < until - 20);
    expect(during).toEqual([]);
    expect(lateHeadersAt).toBeGreaterThanOrEqual(until - 20);
    expect((await late.events(1))[0]?.data).toBe('during stall');
    // Heartbeats flow again afterwards.
    await sse.waitFor('a heartbeat after the stall', (b) => b.event === 'heartbeat');
  });

  it('a stall can be cleared early', async () => {
    const server = await start();
    const sse = await openSse(`${server.url}/events`);
    await sse.next();
    await send(`${server.url}/faults`, 'POST', { stall: 30 });
    server.publish({ data: 'held' });
    await send(`${server.url}/faults`, 'POST', { stall: 0 });
    expect((await sse.events(1, 2000))[0]?.data).toBe('held');
  });

  it('drip writes output in tiny slow chunks, to existing and new connections; drip:false clears it', async () => {
    const server = await start();
    const sse = await openSse(`${server.url}/events`);
    await sse.next();
    await send(`${server.url}/faults`, 'POST', { drip: { chunkBytes: 3, intervalMs: 15 } });
    const ws = await openWs(`${server.url}/ws`);
    const before = sse.chunks.length;
    const startedAt = Date.now();
    server.publish({ event: 'slow', data: 'abcdefghijklmnopqrstuvwxyz' });

    const [event] = await sse.events(1);
    expect(event?.data).toBe('abcdefghijklmnopqrstuvwxyz');
    const chunks = sse.chunks.slice(before);
    expect(chunks.length).toBeGreaterThanOrEqual(8);
    expect(Math.min(...chunks.map((c) => c.bytes.length))).toBeLessThanOrEqual(3);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(100);
    // A WebSocket still gets the event as one message (sent as fragments).
    expect(await ws.waitFor('a match', (f) => f.startsWith('id:'))).toBe(
      'id: 1\nevent: slow\ndata: abcdefghijklmnopqrstuvwxyz\n\n',
    );

    await send(`${server.url}/faults`, 'POST', { drip: false });
    const after = sse.chunks.length;
    server.publish({ data: 'fast' });
    await sse.events(1);
    expect(sse.chunks.length - after).toBe(1);
  });

  it('malformed precedes events with junk lines and adds an undecodable event every third', async () => {
    const server = await start();
    await send(`${server.url}/faults`, 'POST', { malformed: true });
    const sse = await openSse(`${server.url}/events`);
    const ws = await openWs(`${server.url}/ws`);
    for (let i = 1; i <= 3; i++) server.publish({ event: 'real', data: `v${i}` });

    const events = await sse.events(3);
    expect(events.map((e) => [e.id, e.event, e.data])).toEqual([
      ['1', 'real', 'v1'],
      ['2', 'real', 'v2'],
      ['3', 'real', 'v3'],
    ]);
    for (const junk of ['\ngarbage\n', '\nfoo: bar\n', '\nretry: abc\n', '\nid: 1\u00002\n'])
      expect(sse.text).toContain(junk);
    const bad = sse.blocks.filter((b) => b.event === 'malformed');
    expect(bad).toHaveLength(1);
    expect(bad[0]?.id).toBeUndefined();
    expect(() => JSON.parse(bad[0]?.data ?? '')).toThrow();

    const frames = [];
    while (frames.length < 4) frames.push(await ws.waitFor('a match', (f) => !f.startsWith('retry:')));
    expect(frames[0]).toBe(`${MALFORMED_PREFIX}id: 1\nevent: real\ndata: v1\n\n`);
    expect(frames[2]).toBe('event: malformed\ndata: {not json\n\n');

    await send(`${server.url}/faults`, 'POST', { malformed: false });
    const from = sse.text.length;
    server.publish({ data: 'clean' });
    await sse.events(1);
    expect(sse.text.slice(from)).toBe('id: 4\ndata: clean\n\n');
  });
});
