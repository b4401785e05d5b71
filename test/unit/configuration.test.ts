import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ResilientEventSource } from '../../src';
import { FakeEventSource, setupFakes, teardownFakes } from './support/setup';

const EventSource = FakeEventSource as unknown as typeof globalThis.EventSource;

beforeEach(() => {
  setupFakes();
});
afterEach(teardownFakes);

describe('bad configuration throws at construction, naming the fix', () => {
  it.each([
    ['http://[::1', {}, /invalid URL/],
    ['/events', { heartbeatTimeout: -1 }, /heartbeatTimeout must be a number from 0/],
    ['/events', { heartbeatTimeout: Number.NaN }, /heartbeatTimeout/],
    ['/events', { transport: 'sse' }, /unknown transport "sse"; use one of auto, native, polyfill, fetch, websocket/],
    [
      '/events',
      { transport: 'native', headers: { A: 'b' } },
      /native EventSource sends no headers.*use transport 'fetch'/,
    ],
    ['/events', { transport: 'polyfill', method: 'POST' }, /polyfill only sends GET/],
    ['/events', { reconnect: { jitter: 2 } }, /reconnect.jitter must be a number from 0 to 1/],
    ['/events', { reconnect: { factor: 0.5 } }, /reconnect.factor/],
    ['/events', { reconnect: { initialDelay: 5000, maxDelay: 10 } }, /reconnect.maxDelay/],
    ['/events', { reconnect: { maxAttempts: 0 } }, /reconnect.maxAttempts/],
    ['/events', { lastEventIdParam: '' }, /lastEventIdParam must be a non-empty string, or null/],
    ['/events', { parse: 'xml' }, /parse must be 'json', 'text' or a function/],
  ])('%s %j', (url, options, message) => {
    expect(() => new ResilientEventSource(url, { EventSource, ...(options as object) })).toThrow(message);
    expect(FakeEventSource.instances).toHaveLength(0);
  });

  it('a relative URL resolves against the page base URL, as EventSource does', () => {
    const source = new ResilientEventSource('/events?x=1', { EventSource });
    expect(source.url).toBe('https://app.example/events?x=1');
    expect(FakeEventSource.last.url).toBe('https://app.example/events?x=1');
    source.close();
  });
});

describe('server-side rendering', () => {
  it('without EventSource, construction fails with a clear error unless one is injected', () => {
    vi.unstubAllGlobals(); // no page at all
    expect(globalThis.EventSource).toBeUndefined();
    expect(() => new ResilientEventSource('https://api.example/events')).toThrow(
      /no EventSource in this environment.*pass \{ EventSource \}/,
    );
    const source = new ResilientEventSource('https://api.example/events', { EventSource });
    expect(FakeEventSource.instances).toHaveLength(1);
    source.close();
  });

  it('importing the package touches no browser global and starts nothing', async () => {
    vi.unstubAllGlobals();
    const touched: string[] = [];
    for (const name of ['window', 'document', 'navigator', 'EventSource', 'XMLHttpRequest', 'location']) {
      Object.defineProperty(globalThis, name, {
        configurable: true,
        get: () => {
          touched.push(name);
          return undefined;
        },
      });
    }
    try {
      vi.resetModules();
      const module = await import('../../src/index');
      expect(typeof module.ResilientEventSource).toBe('function');
      expect(touched).toEqual([]);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      for (const name of ['window', 'document', 'navigator', 'EventSource', 'XMLHttpRequest', 'location']) {
        delete (globalThis as Record<string, unknown>)[name];
      }
    }
  });
});
