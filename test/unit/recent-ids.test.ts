import { describe, expect, it } from 'vitest';
import { RecentIds } from '../../src/recent-ids';

describe('RecentIds', () => {
  it('reports an id seen within the window, and forgets the oldest beyond it', () => {
    const ids = new RecentIds(3);
    expect(['1', '2', '3'].map((id) => ids.seen(id))).toEqual([false, false, false]);
    expect(ids.seen('2')).toBe(true);
    expect(ids.seen('4')).toBe(false); // evicts '1'
    expect(ids.seen('1')).toBe(false);
    expect(ids.seen('3')).toBe(true);
  });
});
