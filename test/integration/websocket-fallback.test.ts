import { describe, expect, it } from 'vitest';
import type { RunningServer } from '../../playground/server/server';
import { expectExactlyOnceInOrder, fault, publishNumbered, serverPerTest, streamRequests } from './support';
import { until } from '../support/wait';

const context = serverPerTest();
const server = (): RunningServer => context.server();
const open = (options: Parameters<typeof context.open>[1]) => context.open('/events', options);

const wsUrl = () => `${server().url.replace('http', 'ws')}/ws`;

describe('websocket transport', () => {
  it('carries the same stream and resumes from the last id after a drop', async () => {
    const { source, numbers } = open({ transport: 'websocket', websocket: { url: wsUrl() } });
    await until("source.state to be 'open'", () => expect(source.state).toBe('open'));
    expect(source.transport).toBe('websocket');
    await publishNumbered(server(), 0, 10);
    await until('numbers to have length 10', () => expect(numbers).toHaveLength(10));
    const lastId = source.lastEventId;
    await fault(server(), { drop: true });
    await publishNumbered(server(), 10, 10);
    await until('numbers to have length 20', () => expect(numbers).toHaveLength(20));
    expectExactlyOnceInOrder(numbers, 20);
    const resumed = streamRequests(server(), 'ws')[1]!;
    expect(new URL(resumed.url, server().url).searchParams.get('lastEventId')).toBe(lastId);
  });

  it('comment-only frames count as heartbeat', async () => {
    await context.restart({ heartbeatMs: 150 });
    // heartbeat=comment: every heartbeat frame is a comment only, so comments are all that keeps it alive.
    const { source, changes } = open({
      transport: 'websocket',
      websocket: { url: `${wsUrl()}?heartbeat=comment` },
      heartbeatTimeout: 600,
      heartbeatEvent: null,
    });
    const heartbeatEvents: unknown[] = [];
    source.on('heartbeat' as never, (event: unknown) => heartbeatEvents.push(event));
    await until("source.state to be 'open'", () => expect(source.state).toBe('open'));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(changes.filter((c) => c.reason === 'heartbeat-timeout')).toEqual([]);
    expect(source.state).toBe('open');
    expect(heartbeatEvents).toEqual([]);
  });
});

describe('websocket fallback', () => {
  it('switches after `after` failed SSE attempts, with every numbered event once and in order', async () => {
    const { source, numbers, changes } = open({
      transport: 'fetch',
      websocket: { url: wsUrl(), after: 2, returnToSseAfter: 0 },
    });
    await until("source.state to be 'open'", () => expect(source.state).toBe('open'));
    await publishNumbered(server(), 0, 10);
    await until('numbers to have length 10', () => expect(numbers).toHaveLength(10));
    await fault(server(), { sseDisabled: true });
    await fault(server(), { drop: true });
    await publishNumbered(server(), 10, 10);
    await until("source.transport to be 'websocket'", () => expect(source.transport).toBe('websocket'));
    await until('numbers to have length 20', () => expect(numbers).toHaveLength(20));
    await publishNumbered(server(), 20, 10);
    await until('numbers to have length 30', () => expect(numbers).toHaveLength(30));
    expectExactlyOnceInOrder(numbers, 30);
    const fallback = changes.find((c) => c.reason === 'fallback');
    expect(fallback).toMatchObject({ state: 'reconnecting', transport: 'websocket' });
    // two consecutive SSE failures: the drop itself, then one refused attempt; then the WebSocket
    const sseAfterDrop = streamRequests(server(), 'sse').slice(1);
    expect(sseAfterDrop.map((r) => r.status)).toEqual([503]);
  });

  it('returns to SSE when it works again, without losing or repeating events', async () => {
    await fault(server(), { sseDisabled: true });
    const { source, numbers, changes } = open({
      transport: 'fetch',
      websocket: { url: wsUrl(), after: 1, returnToSseAfter: 300 },
    });
    await until("source.transport to be 'websocket'", () => expect(source.transport).toBe('websocket'));
    await until("source.state to be 'open'", () => expect(source.state).toBe('open'));
    await publishNumbered(server(), 0, 10);
    await until('numbers to have length 10', () => expect(numbers).toHaveLength(10));
    // a trial return fails while SSE is still off, and goes straight back to the WebSocket
    await until("changes.filter((c) => c.reason === 'return-to-sse').length to be greater than or equal 1", () =>
      expect(changes.filter((c) => c.reason === 'return-to-sse').length).toBeGreaterThanOrEqual(1),
    );
    await fault(server(), { sseDisabled: false });
    await until("source.transport to be 'fetch'", () => expect(source.transport).toBe('fetch'), undefined, 10_000);
    await until("source.state to be 'open'", () => expect(source.state).toBe('open'));
    await publishNumbered(server(), 10, 10);
    await until('numbers to have length 20', () => expect(numbers).toHaveLength(20));
    expectExactlyOnceInOrder(numbers, 20);
    expect(changes.some((c) => c.state === 'open' && c.transport === 'fetch')).toBe(true);
  });

  it('a new source for the same URL starts on the WebSocket that worked (remembered for the page)', async () => {
    await fault(server(), { sseDisabled: true });
    const first = open({ transport: 'fetch', websocket: { url: wsUrl(), after: 1, returnToSseAfter: 0 } });
    await until("first.source.transport to be 'websocket'", () => expect(first.source.transport).toBe('websocket'));
    await until("first.source.state to be 'open'", () => expect(first.source.state).toBe('open'));
    first.source.close();
    const sseBefore = streamRequests(server(), 'sse').length;
    const second = open({ transport: 'fetch', websocket: { url: wsUrl(), after: 1, returnToSseAfter: 0 } });
    await until("second.source.state to be 'open'", () => expect(second.source.state).toBe('open'));
    expect(second.source.transport).toBe('websocket');
    expect(streamRequests(server(), 'sse').length).toBe(sseBefore);
  });
});
