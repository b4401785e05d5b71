import { describe, expect, it } from 'vitest';
import { recentIds } from '../../src/recent-ids';

describe('RecentIds', () => {
  it('reports an id seen within the window, and forgets the oldest beyond it', () => {
    const seen = recentIds(3);
    expect(['1', '2', '3'].map((id) => seen(id))).toEqual([false, false, false]);
    expect(seen('2')).toBe(true);
    expect(seen('4')).toBe(false); // evicts '1'
    expect(seen('1')).toBe(false);
    expect(seen('3')).toBe(true);
  });
});
