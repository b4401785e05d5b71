import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
// The subpath's entry: importing it lets sources share and persist.
import { ResilientEventSource } from '../../../src/share/index';
import type { ResilientEventSourceError, ResilientEventSourceOptions } from '../../../src';
import { persistence } from '../../../src/share/persist';
import { FakeEventSource } from '../support/fake-event-source';

/** A Storage stand-in over a Map; `broken` makes every call throw, as in private mode or over quota. */
class MemoryStorage {
  readonly items = new Map<string, string>();
  broken = false;
  getItem(key: string): string | null {
    if (this.broken) throw new DOMException('blocked', 'SecurityError');
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    if (this.broken) throw new DOMException('quota', 'QuotaExceededError');
    this.items.set(key, value);
  }
}

let session: MemoryStorage;
beforeEach(() => {
  session = new MemoryStorage();
  vi.stubGlobal('sessionStorage', session);
  vi.stubGlobal('localStorage', new MemoryStorage());
  FakeEventSource.reset();
});
afterEach(() => vi.unstubAllGlobals());

/** The source connected: a new FakeEventSource exists. */
const connected = (count: number) => vi.waitUntil(() => FakeEventSource.instances.length >= count);
const options = (extra: ResilientEventSourceOptions = {}): ResilientEventSourceOptions => ({
  EventSource: FakeEventSource as unknown as ResilientEventSourceOptions['EventSource'],
  persist: 'session',
  ...extra,
});

describe('persistence', () => {
  it('reads and writes under the key, and reports a throwing storage once', () => {
    const failures: unknown[] = [];
    const store = persistence('session', 'k', (cause) => failures.push(cause));
    expect(store.read()).toBeUndefined();
    store.save('7');
    expect(session.items.get('resilient-eventsource:k')).toBe('7');
    expect(store.read()).toBe('7');
    session.broken = true;
    store.save('8');
    store.save('9');
    expect(store.read()).toBeUndefined();
    expect(failures).toHaveLength(1);
  });

  it('does nothing without persist', () => {
    const store = persistence(false, 'k', () => {});
    store.save('1');
    expect(session.items.size).toBe(0);
  });
});

describe("persist: 'session' on a source", () => {
  it('resumes a new source from the stored id; an explicit lastEventId wins', async () => {
    const first = new ResilientEventSource('https://api.example/events', options());
    const ids: string[] = [];
    first.on('message', (e) => ids.push(e.lastEventId));
    expect(first.state).toBe('connecting');
    await connected(1);
    FakeEventSource.last.accept();
    FakeEventSource.last.send('message', '1', '41');
    FakeEventSource.last.send('message', '2', '42');
    expect(ids).toEqual(['41', '42']);
    expect(first.role).toBeNull();
    first.close();

    const second = new ResilientEventSource('https://api.example/events', options());
    await connected(2);
    expect(FakeEventSource.last.url).toContain('lastEventId=42');
    expect(second.lastEventId).toBe('42');
    second.close();

    const third = new ResilientEventSource('https://api.example/events', options({ lastEventId: '5' }));
    await connected(3);
    expect(FakeEventSource.last.url).toContain('lastEventId=5');
    third.close();
    expect(FakeEventSource.live).toHaveLength(0);
  });

  it('a storage that throws is one error; events keep coming', async () => {
    session.broken = true;
    const source = new ResilientEventSource('https://api.example/events', options());
    const errors: ResilientEventSourceError[] = [];
    const data: unknown[] = [];
    source.onError((error) => errors.push(error));
    source.on('message', (e) => data.push(e.data));
    await connected(1);
    FakeEventSource.last.accept();
    for (let i = 1; i <= 3; i++) FakeEventSource.last.send('message', String(i), String(i));
    expect(data).toEqual([1, 2, 3]);
    // Reported on a fresh task, so that listeners added right after construction hear it.
    await expect.poll(() => errors.map((e) => e.type)).toEqual(['storage']);
    source.close();
  });

  it('a removal called at once cancels the listener', async () => {
    const source = new ResilientEventSource('https://api.example/events', options());
    const heard: unknown[] = [];
    const off = source.on('message', (e) => heard.push(e.data));
    off();
    await connected(1);
    FakeEventSource.last.accept();
    FakeEventSource.last.send('message', '1', '1');
    expect(heard).toEqual([]);
    source.close();
  });

  it('rejects bad share and persist values at construction', () => {
    const url = 'https://api.example/events';
    expect(() => new ResilientEventSource(url, options({ persist: 'cookie' as 'local' }))).toThrow(/persist/);
    expect(() => new ResilientEventSource(url, options({ share: { key: '' } }))).toThrow(/share takes/);
    expect(() => new ResilientEventSource(url, options({ share: 'yes' as unknown as boolean }))).toThrow(/share/);
  });
});
