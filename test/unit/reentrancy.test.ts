import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ResilientEventSource } from '../../src';
import { FakeWebSocket } from './support/fake-websocket';
import { createSource, FakeEventSource, setupFakes, teardownFakes } from './support/setup';

// Listeners may call close() or reconnect() at any point; the source must honour that and do nothing more.
beforeEach(() => {
  setupFakes();
  FakeWebSocket.instances = [];
});
afterEach(teardownFakes);

describe('close() and reconnect() from inside listeners', () => {
  it('close() in onError stops the retry that was about to be scheduled', () => {
    const { source, changes } = createSource({ reconnect: { initialDelay: 10 } });
    source.onError(() => source.close());
    FakeEventSource.last.error();
    expect(source.state).toBe('closed');
    expect(changes.at(-1)).toMatchObject({ state: 'closed', reason: 'close' });
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(60_000);
    expect(FakeEventSource.instances).toHaveLength(1);
  });

  it('reconnect() in onError leaves exactly one connection and no stray retry timer', () => {
    const { source } = createSource({ reconnect: { initialDelay: 10 }, heartbeatTimeout: 0 });
    let once = true;
    source.onError(() => {
      if (once) source.reconnect();
      once = false;
    });
    FakeEventSource.last.error();
    expect(FakeEventSource.instances).toHaveLength(2);
    FakeEventSource.last.accept();
    vi.advanceTimersByTime(60_000);
    expect(FakeEventSource.instances).toHaveLength(2);
    expect(FakeEventSource.live).toHaveLength(1);
    expect(source.state).toBe('open');
  });

  it('close() in a state listener: no timer, and later listeners do not hear the stale change', () => {
    const { source } = createSource({ reconnect: { initialDelay: 10 } });
    const heard: string[] = [];
    source.onStateChange((c) => {
      if (c.state === 'reconnecting') source.close();
    });
    source.onStateChange((c) => heard.push(c.state));
    FakeEventSource.last.error();
    expect(source.state).toBe('closed');
    expect(heard).toEqual(['closed']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('close() in one event listener: the next listener of that event hears nothing', () => {
    const { source } = createSource({ parse: 'text' });
    const second = vi.fn();
    source.on('message', () => source.close());
    source.on('message', second);
    FakeEventSource.last.accept();
    FakeEventSource.last.send('message', 'x');
    expect(second).not.toHaveBeenCalled();
  });
});

describe('failures that must not escape', () => {
  it('an EventSource constructor that throws is a failed attempt: reported, retried, never thrown', () => {
    let throws = false;
    class Flaky extends FakeEventSource {
      constructor(url: string) {
        if (throws) throw new Error('boom');
        super(url);
      }
    }
    const errors: unknown[] = [];
    const source = new ResilientEventSource('https://api.example/events', {
      EventSource: Flaky as unknown as typeof EventSource,
      reconnect: { initialDelay: 10, jitter: 0 },
    });
    source.onError((e) => errors.push(e.type));
    throws = true;
    FakeEventSource.last.error();
    expect(() => vi.advanceTimersByTime(10)).not.toThrow();
    expect(errors).toEqual(['network', 'config']);
    expect(source.state).toBe('reconnecting');
    throws = false;
    vi.advanceTimersByTime(20);
    expect(FakeEventSource.instances).toHaveLength(2);
    source.close();
  });

  it.each([
    [{ reconnect: { maxDelay: Infinity } }, /reconnect.maxDelay must be a number from 1000 to 2147483647/],
    [{ heartbeatTimeout: 2 ** 31 }, /heartbeatTimeout must be a number from 0 to 2147483647/],
    [{ websocket: { url: 'wss://a.example/ws', returnToSseAfter: Infinity } }, /websocket.returnToSseAfter/],
  ])('a delay no timer can hold is refused: %j', (options, message) => {
    expect(() => createSource(options)).toThrow(message);
  });
});

describe('WebSocket fallback that never opens', () => {
  it('still tries SSE again every returnToSseAfter', async () => {
    const source = new ResilientEventSource(`https://api.example/never-open-${Math.random()}`, {
      EventSource: FakeEventSource as unknown as typeof EventSource,
      WebSocket: FakeWebSocket as unknown as typeof WebSocket,
      reconnect: { initialDelay: 100, maxDelay: 100, jitter: 0 },
      websocket: { url: 'wss://api.example/ws', after: 1, returnToSseAfter: 1000 },
    });
    const reasons: string[] = [];
    source.onStateChange((c) => reasons.push(c.reason));
    FakeEventSource.last.error(); // → WebSocket
    await vi.advanceTimersByTimeAsync(100);
    await vi.waitFor(() => expect(FakeWebSocket.instances.length).toBeGreaterThan(0));
    FakeWebSocket.instances.at(-1)!.networkError(); // never opens
    await vi.advanceTimersByTimeAsync(1000);
    expect(reasons).toContain('return-to-sse');
    expect(FakeEventSource.instances.length).toBeGreaterThanOrEqual(2);
    source.close();
  });
});
