/**
 * Every transport's module loads on first use (src/transports/load.ts). Each case starts from a fresh
 * module graph, as a page that has not connected yet: the unit setup's preloaded wrapper is not seen.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ResilientEventSourceError, ResilientEventSourceOptions } from '../../src';
import { FakeEventSource } from './support/fake-event-source';

const URL = 'https://api.example/events';
const options = {
  transport: 'native',
  EventSource: FakeEventSource as unknown as ResilientEventSourceOptions['EventSource'],
  reconnect: { initialDelay: 10, jitter: 0 },
} satisfies ResilientEventSourceOptions;

const freshSdk = async () => {
  vi.resetModules();
  return import('../../src');
};

beforeEach(() => FakeEventSource.reset());
afterEach(() => {
  vi.doUnmock('../../src/transports/eventsource');
  vi.resetModules();
});

describe('transports load on first use', () => {
  it('the first connection waits for its module; later ones, and reconnects, get it at once', async () => {
    const { ResilientEventSource } = await freshSdk();
    const first = new ResilientEventSource(URL, options);
    expect(FakeEventSource.instances).toHaveLength(0);
    await vi.waitFor(() => expect(FakeEventSource.instances).toHaveLength(1));
    expect(first.state).toBe('connecting');

    const second = new ResilientEventSource(URL, options);
    expect(FakeEventSource.instances).toHaveLength(2);
    first.reconnect();
    expect(FakeEventSource.instances).toHaveLength(3);
    expect(FakeEventSource.live).toHaveLength(2);
    first.close();
    second.close();
    expect(FakeEventSource.live).toHaveLength(0);
  });

  it('close() while the module loads: no EventSource is ever created', async () => {
    const { ResilientEventSource } = await freshSdk();
    const closed = new ResilientEventSource(URL, options);
    closed.close();
    // A second source's EventSource shows that the load has finished.
    const witness = new ResilientEventSource(URL, options);
    await vi.waitFor(() => expect(FakeEventSource.instances).toHaveLength(1));
    expect(FakeEventSource.instances[0]?.url).toBe(URL);
    expect(closed.state).toBe('closed');
    witness.close();
    expect(FakeEventSource.live).toHaveLength(0);
  });

  it('a failed load is an error and a retry, and the next attempt loads it again', async () => {
    vi.resetModules();
    vi.doMock('../../src/transports/eventsource', () => {
      throw new Error('the chunk did not load');
    });
    const { ResilientEventSource } = await import('../../src');
    const source = new ResilientEventSource(URL, options);
    const errors: ResilientEventSourceError[] = [];
    source.onError((error) => {
      errors.push(error);
      vi.doUnmock('../../src/transports/eventsource');
    });
    await vi.waitFor(() => expect(errors).toHaveLength(1));
    // The module's throw reaches the page as vitest's wrapper of it, as a bundler's chunk error would.
    expect(errors[0]?.message).toMatch(/^native: .*error when mocking a module/);
    expect(errors[0]?.type).toBe('config');
    expect(source.state).toBe('reconnecting');
    await vi.waitFor(() => expect(FakeEventSource.instances).toHaveLength(1));
    FakeEventSource.last.accept();
    expect(source.state).toBe('open');
    source.close();
  });
});
