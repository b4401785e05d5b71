import { describe, expect, it } from 'vitest';
import { shareKey } from '../../../src/share/key';
import { epochVerdict, nextEpoch } from '../../../src/share/protocol';

describe('epochs (the stale-leader guard)', () => {
  it('a new leader picks an epoch newer than any it saw, even when the clock is behind', () => {
    expect(nextEpoch(0, 1000)).toBe(1000);
    expect(nextEpoch(5000, 1000)).toBe(5001);
    expect(nextEpoch(999, 1000)).toBe(1000);
  });

  it('an older epoch is stale, the same is current, a later one is newer', () => {
    expect(epochVerdict(4, 5)).toBe('stale');
    expect(epochVerdict(5, 5)).toBe('current');
    expect(epochVerdict(6, 5)).toBe('newer');
  });
});

describe('share keys', () => {
  const base = 'https://api.example/events';
  it('tabs with the same URL and wire options share; options that change the request keep them apart', () => {
    const key = shareKey(base, { share: true });
    expect(shareKey(base, { share: true, parse: 'text', heartbeatTimeout: 5 })).toBe(key);
    expect(shareKey(base, { share: true, transport: 'fetch' })).not.toBe(key);
    expect(shareKey(base, { share: true, headers: { a: 'b' } })).not.toBe(key);
    expect(shareKey(base, { share: true, withCredentials: true })).not.toBe(key);
    expect(shareKey(`${base}?x=1`, { share: true })).not.toBe(key);
    expect(shareKey(new URL(base), { share: true })).toBe(key);
  });

  it('an explicit key wins; a function URL needs one', () => {
    expect(shareKey(base, { share: { key: 'prices' } })).toBe('prices');
    expect(shareKey(() => base, { share: { key: 'prices' } })).toBe('prices');
    expect(() => shareKey(() => base, { share: true })).toThrow(/needs share: \{ key \}/);
  });
});
