import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ResilientEventSource } from '../../src';
import { createSource, FakeEventSource, setupFakes, teardownFakes } from './support/setup';

let page: ReturnType<typeof setupFakes>;
beforeEach(() => {
  page = setupFakes();
});
afterEach(teardownFakes);

describe('lifecycle', () => {
  it('connects at once, opens, and reports readyState like EventSource', () => {
    const { source, changes } = createSource();
    expect(source.state).toBe('connecting');
    expect(source.readyState).toBe(ResilientEventSource.CONNECTING);
    expect(source.transport).toBe('native');
    expect(FakeEventSource.instances).toHaveLength(1);
    FakeEventSource.last.accept();
    expect(source.state).toBe('open');
    expect(source.readyState).toBe(1);
    expect(changes.at(-1)).toMatchObject({
      state: 'open',
      previous: 'connecting',
      reason: 'open',
      transport: 'native',
    });
  });

  it('owns reconnection: closes the failed EventSource and recreates it after the backoff', () => {
    const { source, changes } = createSource({ reconnect: { initialDelay: 1000 } });
    FakeEventSource.last.accept();
    const first = FakeEventSource.last;
    first.error();
    expect(first.readyState).toBe(2); // closed by us, not left to reconnect on its own
    expect(first.listenerCount()).toBe(0); // handlers detached first
    expect(source.state).toBe('reconnecting');
    expect(changes.at(-1)).toMatchObject({ state: 'reconnecting', reason: 'network', attempt: 1, delay: 1000 });
    vi.advanceTimersByTime(999);
    expect(FakeEventSource.instances).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(FakeEventSource.instances).toHaveLength(2);
    expect(FakeEventSource.live).toHaveLength(1);
  });

  it('backs off exponentially up to maxDelay while failures continue', () => {
    const { changes } = createSource({ reconnect: { initialDelay: 100, maxDelay: 500, factor: 2 } });
    const delays: (number | null)[] = [];
    for (let i = 0; i < 5; i++) {
      FakeEventSource.last.error();
      delays.push(changes.at(-1)!.delay);
      vi.advanceTimersByTime(changes.at(-1)!.delay!);
    }
    expect(delays).toEqual([100, 200, 400, 500, 500]);
    expect(FakeEventSource.live).toHaveLength(1);
  });

  it('a connection that opens and drops at once does not reset the attempt counter', () => {
    const { changes } = createSource({ reconnect: { initialDelay: 100, resetAfter: 5000 } });
    for (let i = 0; i < 3; i++) {
      FakeEventSource.last.accept();
      FakeEventSource.last.error();
      vi.advanceTimersByTime(changes.at(-1)!.delay!);
    }
    expect(changes.filter((c) => c.state === 'reconnecting').map((c) => c.attempt)).toEqual([1, 2, 3]);
  });

  it('a connection that stayed open a while resets it', () => {
    const { changes } = createSource({ reconnect: { initialDelay: 100, resetAfter: 5000 } });
    FakeEventSource.last.error();
    vi.advanceTimersByTime(100);
    FakeEventSource.last.accept();
    vi.advanceTimersByTime(5000);
    FakeEventSource.last.error();
    expect(changes.at(-1)).toMatchObject({ attempt: 1, delay: 100 });
  });

  it('closes after maxAttempts consecutive failures with a max-attempts error', () => {
    const { source, changes, errors } = createSource({ reconnect: { initialDelay: 10, maxAttempts: 3 } });
    for (let i = 0; i < 3; i++) {
      FakeEventSource.last.error();
      vi.advanceTimersByTime(1000);
    }
    expect(source.state).toBe('closed');
    expect(changes.at(-1)).toMatchObject({ state: 'closed', reason: 'max-attempts' });
    expect(errors.at(-1)).toMatchObject({ type: 'max-attempts', attempt: 3 });
    expect(FakeEventSource.instances).toHaveLength(3);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('reconnect() forces close-and-recreate now, and restarts a source that closed itself', () => {
    const { source, changes } = createSource({ reconnect: { maxAttempts: 1 } });
    FakeEventSource.last.accept();
    source.reconnect();
    expect(FakeEventSource.instances).toHaveLength(2);
    expect(FakeEventSource.instances[0]!.readyState).toBe(2);
    expect(changes.at(-1)).toMatchObject({ state: 'reconnecting', reason: 'manual' });
    FakeEventSource.last.error();
    expect(source.state).toBe('closed');
    source.reconnect();
    expect(source.state).toBe('reconnecting');
    expect(FakeEventSource.instances).toHaveLength(3);
  });

  it('close() is idempotent and leaves no timer, connection, page listener or callback', () => {
    const { source, changes } = createSource({ heartbeatTimeout: 1000 });
    const onEvent = vi.fn();
    source.on('message', onEvent);
    FakeEventSource.last.accept();
    FakeEventSource.last.error(); // a reconnect timer is pending
    expect(page.counts.window).toBeGreaterThan(0);
    source.close();
    source.close();
    expect(source.state).toBe('closed');
    expect(source.readyState).toBe(2);
    expect(source.transport).toBeNull();
    expect(changes.filter((c) => c.state === 'closed')).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
    expect(FakeEventSource.live).toHaveLength(0);
    expect(page.counts).toEqual({ window: 0, document: 0 });
    vi.advanceTimersByTime(100_000);
    page.goOnline();
    source.reconnect();
    expect(FakeEventSource.instances).toHaveLength(1);
    expect(onEvent).not.toHaveBeenCalled();
  });

  it('nothing fires after close() even if the old EventSource still emits', () => {
    const { source } = createSource();
    const old = FakeEventSource.last;
    const onEvent = vi.fn();
    source.on('message', onEvent);
    old.accept();
    const listeners = [...old.listeners.values()].flatMap((set) => [...set]);
    source.close();
    for (const listener of listeners) listener(new MessageEvent('message', { data: '1' }));
    expect(onEvent).not.toHaveBeenCalled();
  });
});

describe('heartbeat timeout', () => {
  it('recreates the connection when nothing arrives in time', () => {
    const { source, changes, errors } = createSource({ heartbeatTimeout: 3000, reconnect: { initialDelay: 100 } });
    FakeEventSource.last.accept();
    FakeEventSource.last.send('heartbeat', '0'); // native: the server has shown it sends heartbeat events
    vi.advanceTimersByTime(2999);
    expect(source.state).toBe('open');
    vi.advanceTimersByTime(1);
    expect(errors.at(-1)?.type).toBe('heartbeat-timeout');
    expect(changes.at(-1)).toMatchObject({ state: 'reconnecting', reason: 'heartbeat-timeout' });
    expect(FakeEventSource.instances[0]!.readyState).toBe(2);
    vi.advanceTimersByTime(100);
    expect(FakeEventSource.instances).toHaveLength(2);
  });

  it('any event, the heartbeat event included, keeps the connection alive', () => {
    const { source } = createSource({ heartbeatTimeout: 3000 });
    const es = FakeEventSource.last;
    es.accept();
    expect(es.listeners.has('heartbeat')).toBe(true); // subscribed internally for native clients
    for (let i = 0; i < 5; i++) {
      vi.advanceTimersByTime(2000);
      es.send('heartbeat', String(i));
    }
    expect(source.state).toBe('open');
  });

  it('is checked when the page becomes visible again (throttled timers)', () => {
    const { changes } = createSource({ heartbeatTimeout: 3000 });
    FakeEventSource.last.accept();
    FakeEventSource.last.send('heartbeat', '0');
    page.hide();
    vi.setSystemTime(Date.now() + 60_000); // timers frozen, clock moved
    page.show();
    expect(changes.at(-1)).toMatchObject({ reason: 'heartbeat-timeout' });
  });

  it('native: an open stream is not watched until the server has sent a heartbeat event', () => {
    // Native EventSource hides comments, so a server whose liveness is comments only must not flap.
    const { source, errors } = createSource({ heartbeatTimeout: 3000 });
    const es = FakeEventSource.last;
    es.accept();
    es.send('message', '1'); // an ordinary event does not arm it
    vi.advanceTimersByTime(10 * 60_000);
    expect(source.state).toBe('open');
    expect(errors).toEqual([]);
    expect(FakeEventSource.instances).toHaveLength(1);
    es.send('heartbeat', '1');
    vi.advanceTimersByTime(2999);
    expect(source.state).toBe('open');
    vi.advanceTimersByTime(1);
    expect(errors.map((e) => e.type)).toEqual(['heartbeat-timeout']);
  });

  it('native: once a heartbeat event was seen, every later connection is watched from its start', () => {
    const { errors } = createSource({ heartbeatTimeout: 3000, reconnect: { initialDelay: 100 } });
    FakeEventSource.last.accept();
    FakeEventSource.last.send('heartbeat', '1');
    FakeEventSource.last.error();
    vi.advanceTimersByTime(100);
    expect(FakeEventSource.instances).toHaveLength(2);
    FakeEventSource.last.accept();
    vi.advanceTimersByTime(3000);
    expect(errors.map((e) => e.type)).toEqual(['network', 'heartbeat-timeout']);
  });

  it('native: a connection that never opens is a stall, heartbeat events seen or not', () => {
    const { errors } = createSource({ heartbeatTimeout: 3000 });
    vi.advanceTimersByTime(3000);
    expect(errors.map((e) => e.type)).toEqual(['heartbeat-timeout']);
  });

  it('native: a custom heartbeatEvent arms it; with heartbeatEvent null it stays off once open', () => {
    const custom = createSource({ heartbeatTimeout: 3000, heartbeatEvent: 'ping' });
    FakeEventSource.last.accept();
    FakeEventSource.last.send('ping', '');
    vi.advanceTimersByTime(3000);
    expect(custom.errors.map((e) => e.type)).toEqual(['heartbeat-timeout']);
    custom.source.close();
    const none = createSource({ heartbeatTimeout: 3000, heartbeatEvent: null });
    FakeEventSource.last.accept();
    vi.advanceTimersByTime(60_000);
    expect(none.errors).toEqual([]);
    expect(none.source.state).toBe('open');
  });

  it('0 turns it off', () => {
    const { source } = createSource({ heartbeatTimeout: 0 });
    FakeEventSource.last.accept();
    vi.advanceTimersByTime(10 * 60_000);
    expect(source.state).toBe('open');
  });
});

describe('network awareness', () => {
  it('offline pauses attempts without using them up; online reconnects at once', () => {
    const { source, changes } = createSource({ reconnect: { initialDelay: 1000, maxAttempts: 3 } });
    FakeEventSource.last.accept();
    page.goOffline();
    FakeEventSource.last.error();
    expect(changes.at(-1)).toMatchObject({ state: 'reconnecting', reason: 'offline', attempt: 0, delay: null });
    vi.advanceTimersByTime(60_000);
    expect(FakeEventSource.instances).toHaveLength(1);
    page.goOnline();
    expect(FakeEventSource.instances).toHaveLength(2);
    expect(changes.at(-1)).toMatchObject({ reason: 'online', attempt: 0 });
    expect(source.state).toBe('reconnecting');
  });

  it('going offline while a retry is scheduled cancels it', () => {
    const { changes } = createSource({ reconnect: { initialDelay: 1000 } });
    FakeEventSource.last.error();
    expect(vi.getTimerCount()).toBe(1);
    page.goOffline();
    expect(vi.getTimerCount()).toBe(0);
    expect(changes.at(-1)).toMatchObject({ state: 'reconnecting', reason: 'offline' });
    vi.advanceTimersByTime(60_000);
    expect(FakeEventSource.instances).toHaveLength(1);
  });
});
