import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { acquireSource, peekSource, RELEASE_GRACE_MS } from '../../src/adapters/registry';
import { sourceKey } from '../../src/adapters/source-key';
import { CountingEventSource, countingEventSource } from './support/counting-event-source';

// The registry behind both adapters: one source per URL + options, ref-counted, closed a grace
// period after the last release.
const options = { transport: 'native', EventSource: countingEventSource } as const;

beforeEach(() => {
  vi.useFakeTimers();
  CountingEventSource.created = 0;
});
afterEach(() => {
  vi.runOnlyPendingTimers();
  vi.useRealTimers();
});

describe('sourceKey', () => {
  it('compares options by content, whatever the key order or nesting', () => {
    expect(sourceKey('/e', { heartbeatTimeout: 1, reconnect: { factor: 2, jitter: 0 } })).toBe(
      sourceKey('/e', { reconnect: { jitter: 0, factor: 2 }, heartbeatTimeout: 1 }),
    );
    expect(sourceKey('/e', {})).toBe(sourceKey('/e'));
    expect(sourceKey('/e', { lastEventId: undefined })).toBe(sourceKey('/e'));
    expect(sourceKey(new URL('http://h/e'))).toBe(sourceKey('http://h/e'));
  });

  it('tells apart different URLs and option values', () => {
    expect(sourceKey('/a')).not.toBe(sourceKey('/b'));
    expect(sourceKey('/e', { heartbeatTimeout: 1 })).not.toBe(sourceKey('/e', { heartbeatTimeout: 2 }));
    expect(sourceKey('/e', { headers: { a: '1' } })).not.toBe(sourceKey('/e', { headers: { a: '2' } }));
  });

  it('compares functions and constructors by identity', () => {
    const headers = () => ({ a: '1' });
    expect(sourceKey('/e', { headers })).toBe(sourceKey('/e', { headers }));
    expect(sourceKey('/e', { headers })).not.toBe(sourceKey('/e', { headers: () => ({ a: '1' }) }));
    const url = () => '/e';
    expect(sourceKey(url)).toBe(sourceKey(url));
    expect(sourceKey(url)).not.toBe(sourceKey(() => '/e'));
  });
});

describe('acquireSource', () => {
  it('gives every caller with the same URL and options the same source', () => {
    const a = acquireSource('http://127.0.0.1:9/shared', { ...options });
    const b = acquireSource('http://127.0.0.1:9/shared', { ...options });
    const c = acquireSource('http://127.0.0.1:9/other', options);
    expect(b.source).toBe(a.source);
    expect(c.source).not.toBe(a.source);
    for (const lease of [a, b, c]) lease.release();
  });

  it('closes the source a grace period after the last release, not before', () => {
    const a = acquireSource('http://127.0.0.1:9/grace', options);
    const b = acquireSource('http://127.0.0.1:9/grace', options);
    a.release();
    b.release();
    vi.advanceTimersByTime(RELEASE_GRACE_MS - 1);
    expect(a.source.state).not.toBe('closed');
    expect(peekSource(a.key)).toBe(a.source);
    vi.advanceTimersByTime(1);
    expect(a.source.state).toBe('closed');
    expect(peekSource(a.key)).toBeNull();
    // The next caller gets a new source.
    const c = acquireSource('http://127.0.0.1:9/grace', options);
    expect(c.source).not.toBe(a.source);
    c.release();
  });

  it('keeps the source when it is taken again within the grace period (a remount)', () => {
    const first = acquireSource('http://127.0.0.1:9/remount', options);
    first.release();
    vi.advanceTimersByTime(RELEASE_GRACE_MS / 2);
    const second = acquireSource('http://127.0.0.1:9/remount', options);
    vi.advanceTimersByTime(RELEASE_GRACE_MS * 2);
    expect(second.source).toBe(first.source);
    expect(second.source.state).not.toBe('closed');
    second.release();
    vi.advanceTimersByTime(RELEASE_GRACE_MS);
    expect(first.source.state).toBe('closed');
  });

  it('counts a second release of the same lease once', () => {
    const a = acquireSource('http://127.0.0.1:9/twice', options);
    const b = acquireSource('http://127.0.0.1:9/twice', options);
    a.release();
    a.release();
    vi.advanceTimersByTime(RELEASE_GRACE_MS * 2);
    expect(b.source.state).not.toBe('closed');
    b.release();
    vi.advanceTimersByTime(RELEASE_GRACE_MS);
    expect(b.source.state).toBe('closed');
  });

  it('passes the options through to the source unchanged', () => {
    const lease = acquireSource('http://127.0.0.1:9/through', options);
    vi.advanceTimersByTime(0);
    expect(CountingEventSource.created).toBe(1);
    lease.release();
  });
});
