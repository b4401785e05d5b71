import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../src/backoff';

const settings = { initialDelay: 1000, maxDelay: 30_000, factor: 2, jitter: 0.5 };
const noJitter = { ...settings, jitter: 0 };

describe('backoffDelay', () => {
  it('grows by factor per attempt: initial × factor^(attempt − 1)', () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, noJitter))).toEqual([1000, 2000, 4000, 8000, 16000]);
  });

  it('never exceeds maxDelay', () => {
    expect(backoffDelay(6, noJitter)).toBe(30_000);
    expect(backoffDelay(60, noJitter)).toBe(30_000);
    expect(backoffDelay(60, settings, 1000, () => 0)).toBe(30_000);
  });

  it('jitter removes up to its share of the delay, at random', () => {
    expect(backoffDelay(1, settings, 1000, () => 0)).toBe(1000);
    expect(backoffDelay(1, settings, 1000, () => 1)).toBe(500);
    expect(backoffDelay(3, settings, 1000, () => 0.5)).toBe(3000);
  });

  it('a server retry value replaces the initial delay', () => {
    expect(backoffDelay(1, noJitter, 250)).toBe(250);
    expect(backoffDelay(3, noJitter, 250)).toBe(1000);
  });

  it('stays within [base × (1 − jitter), base] over many draws', () => {
    for (let i = 0; i < 1000; i++) {
      const delay = backoffDelay(4, settings);
      expect(delay).toBeGreaterThanOrEqual(4000);
      expect(delay).toBeLessThanOrEqual(8000);
    }
  });
});
