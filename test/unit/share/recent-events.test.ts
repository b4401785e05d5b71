import { describe, expect, it } from 'vitest';
import { recentEvents, type SharedEvent } from '../../../src/share/recent-events';

const event = (id: string, raw = `data ${id}`): SharedEvent => ({ type: 'message', raw, id });
const ids = (events: SharedEvent[] | null) => events?.map((e) => e.id) ?? null;

describe('recent events (what a tab that comes back missed)', () => {
  it('gives the events after an id, none after the newest, and null for an empty or unknown id', () => {
    const recent = recentEvents();
    for (let i = 1; i <= 5; i++) recent.add(event(String(i)));
    expect(ids(recent.after('2'))).toEqual(['3', '4', '5']);
    expect(ids(recent.after('5'))).toEqual([]);
    expect(recent.after('')).toBeNull();
    expect(recent.after('9')).toBeNull();
  });

  it('keeps only the latest events, by count', () => {
    const recent = recentEvents(3);
    for (let i = 1; i <= 10; i++) recent.add(event(String(i)));
    expect(recent.after('7')).toBeNull();
    expect(ids(recent.after('8'))).toEqual(['9', '10']);
  });

  it('keeps only as much data as its bound: one huge event pushes out the older ones, or itself', () => {
    const recent = recentEvents(100, 10);
    recent.add(event('1', 'aaaa'));
    recent.add(event('2', 'bbbb'));
    recent.add(event('3', 'cccc'));
    expect(recent.after('1')).toBeNull();
    expect(ids(recent.after('2'))).toEqual(['3']);
    recent.add(event('4', 'x'.repeat(11)));
    expect(recent.after('3')).toBeNull();
    expect(recent.after('4')).toBeNull();
  });

  it('events without an id of their own repeat the last one: it resumes after the last of them', () => {
    const recent = recentEvents();
    for (const id of ['1', '2', '2', '3']) recent.add(event(id));
    expect(ids(recent.after('2'))).toEqual(['3']);
  });

  it('stays bounded over a long stream (the kept array is compacted)', () => {
    const recent = recentEvents(10);
    for (let i = 1; i <= 100_000; i++) recent.add(event(String(i)));
    expect(ids(recent.after('99991'))).toEqual(Array.from({ length: 9 }, (_, i) => String(99_992 + i)));
    expect(recent.after('99990')).toBeNull();
  });
});
