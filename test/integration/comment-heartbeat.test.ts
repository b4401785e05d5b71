/**
 * Comments alone keep a stream alive, in Node over real sockets: `?heartbeat=comment` makes the reference
 * server's heartbeat a comment line only (no `event: heartbeat`), so if comments stopped counting as
 * activity, the watchdog would fire within the first `heartbeatTimeout`. And when the bytes stop, it does.
 */
import { describe, expect, it } from 'vitest';
import type { ResilientEventSource } from '../../src';
import { fault, serverPerTest } from './support';
import { until } from '../support/wait';

const context = serverPerTest();
const HEARTBEAT_TIMEOUT = 600;

describe.each([
  { transport: 'fetch' as const, path: '/events?heartbeat=comment', options: {} },
  {
    transport: 'websocket' as const,
    path: '/events?heartbeat=comment',
    options: { websocket: { url: () => `${context.server().url}/ws?heartbeat=comment` } },
  },
])('$transport', ({ transport, path, options }) => {
  it('a comment-only heartbeat keeps the connection open, with no event at all', async () => {
    await context.restart({ heartbeatMs: 150 });
    const { source, changes, errors } = context.open(path, {
      transport,
      heartbeatTimeout: HEARTBEAT_TIMEOUT,
      ...options,
    });
    const events: string[] = [];
    // Not in the typed event map of observe(): any name may be listened to untyped.
    (source as unknown as ResilientEventSource).on('heartbeat', (e) => events.push(e.raw));
    await until("source.state to be 'open'", () => expect(source.state).toBe('open'));
    // Several timeouts' worth of comments only.
    await new Promise((resolve) => setTimeout(resolve, 5 * HEARTBEAT_TIMEOUT));
    expect({ state: source.state, errors: errors.map((e) => e.type), events }).toEqual({
      state: 'open',
      errors: [],
      events: [],
    });
    expect(changes.filter((c) => c.state === 'open')).toHaveLength(1);
  });

  it('once the comments stop too, the heartbeat timeout fires', async () => {
    await context.restart({ heartbeatMs: 150 });
    const { source, errors } = context.open(path, { transport, heartbeatTimeout: HEARTBEAT_TIMEOUT, ...options });
    await until("source.state to be 'open'", () => expect(source.state).toBe('open'));
    await fault(context.server(), { stall: 3 });
    await until(
      "errors.map((e) => e.type) to contain 'heartbeat-timeout'",
      () => expect(errors.map((e) => e.type)).toContain('heartbeat-timeout'),
      undefined,
      5000,
    );
  });
});
