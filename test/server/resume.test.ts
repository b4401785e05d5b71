import { describe, expect, it } from 'vitest';
import { openSse, start } from './helpers.js';

function publishN(server: { publish(e: { data: string }): string }, n: number): void {
  for (let i = 1; i <= n; i++) server.publish({ data: `e${i}` });
}

describe('GET /events resume', () => {
  it('answers with SSE headers and a retry first', async () => {
    const server = await start({ retryMs: 2345 });
    const reader = await openSse(`${server.url}/events`);
    expect(reader.response.status).toBe(200);
    expect(reader.response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(reader.response.headers.get('cache-control')).toBe('no-cache');
    expect(reader.response.headers.get('x-accel-buffering')).toBe('no');
    const first = await reader.next();
    expect(first.raw).toBe('retry: 2345');
  });

  it('streams only live events to a client without an id', async () => {
    const server = await start();
    publishN(server, 3);
    const reader = await openSse(`${server.url}/events`);
    await reader.next(); // retry
    server.publish({ data: 'live' });
    const [event] = await reader.events(1);
    expect(event).toMatchObject({ id: '4', data: 'live' });
  });

  it('replays after the Last-Event-ID header, then goes live', async () => {
    const server = await start();
    publishN(server, 5);
    const reader = await openSse(`${server.url}/events`, { headers: { 'Last-Event-ID': '3' } });
    const replayed = await reader.events(2);
    expect(replayed.map((e) => [e.id, e.data])).toEqual([
      ['4', 'e4'],
      ['5', 'e5'],
    ]);
    server.publish({ data: 'live' });
    expect((await reader.events(1))[0]).toMatchObject({ id: '6', data: 'live' });
  });

  it('replays after the lastEventId query parameter', async () => {
    const server = await start();
    publishN(server, 4);
    const reader = await openSse(`${server.url}/events?lastEventId=2`);
    expect((await reader.events(2)).map((e) => e.id)).toEqual(['3', '4']);
  });

  it('lets the header win over the query parameter', async () => {
    const server = await start();
    publishN(server, 4);
    const reader = await openSse(`${server.url}/events?lastEventId=1`, { headers: { 'Last-Event-ID': '3' } });
    expect((await reader.events(1))[0]?.id).toBe('4');
    expect(server.requests[0]?.lastEventId).toBe('3');
  });

  it('sends a reset, then everything kept, when the id left the log', async () => {
    const server = await start({ capacity: 3 });
    publishN(server, 10); // keeps 8, 9, 10
    const reader = await openSse(`${server.url}/events`, { headers: { 'Last-Event-ID': '2' } });
    const reset = await reader.waitFor('reset', (b) => b.event === 'reset');
    expect(reset.id).toBeUndefined();
    expect(JSON.parse(reset.data ?? '')).toEqual({ requested: '2', oldest: '8' });
    expect((await reader.events(3)).map((e) => e.id)).toEqual(['8', '9', '10']);
    // Just past the edge (oldest - 2) is already a reset.
    const edge = await openSse(`${server.url}/events`, { headers: { 'Last-Event-ID': '6' } });
    expect((await edge.waitFor('first event', (b) => b.id !== undefined || b.event === 'reset')).event).toBe('reset');
  });

  it('replays exactly (no reset) from one below the oldest kept', async () => {
    const server = await start({ capacity: 3 });
    publishN(server, 10);
    const reader = await openSse(`${server.url}/events`, { headers: { 'Last-Event-ID': '7' } });
    const next = await reader.waitFor('first event', (b) => b.id !== undefined || b.event === 'reset');
    expect(next.event).not.toBe('reset');
    expect(next.id).toBe('8');
  });

  it('sends a reset when the id is newer than anything in the log (fresh log)', async () => {
    const server = await start();
    publishN(server, 2);
    const reader = await openSse(`${server.url}/events`, { headers: { 'Last-Event-ID': '500' } });
    const reset = await reader.waitFor('reset', (b) => b.event === 'reset');
    expect(JSON.parse(reset.data ?? '')).toEqual({ requested: '500', oldest: '1' });
    expect((await reader.events(2)).map((e) => e.id)).toEqual(['1', '2']);
  });

  it('accepts POST /events as the same stream and records its body', async () => {
    const server = await start();
    publishN(server, 2);
    const reader = await openSse(`${server.url}/events`, {
      method: 'POST',
      headers: { 'Last-Event-ID': '1', 'Content-Type': 'application/json' },
      body: '{"topics":["a"]}',
    });
    expect(reader.response.headers.get('content-type')).toContain('text/event-stream');
    expect((await reader.events(1))[0]?.id).toBe('2');
    expect(server.requests[0]).toMatchObject({
      method: 'POST',
      body: '{"topics":["a"]}',
      lastEventId: '1',
      status: 200,
    });
  });
});
