import { describe, expect, it } from 'vitest';
import { parseFaultPlan } from '../../playground/server/fault-plan.js';
import { EventLog } from '../../playground/server/log.js';
import { formatComment, formatEvent, formatReset, formatRetry } from '../../playground/server/sse-format.js';

describe('EventLog', () => {
  it('assigns monotonic ids and drops the oldest past capacity', () => {
    const log = new EventLog(3);
    const ids = ['a', 'b', 'c', 'd', 'e'].map((data) => log.append({ data }).id);
    expect(ids).toEqual(['1', '2', '3', '4', '5']);
    expect(log.entries().map((e) => e.data)).toEqual(['c', 'd', 'e']);
    expect(log.oldestId).toBe(3);
    expect(log.lastId).toBe(5);
  });

  it('accepts a supplied id only above the last one', () => {
    const log = new EventLog();
    log.append({ data: 'x', id: 10 });
    expect(log.append({ data: 'y' }).id).toBe('11');
    expect(() => log.append({ data: 'z', id: 11 })).toThrow(RangeError);
  });

  it('plans a resume: replay after the id, reset when it left the log or is unknown', () => {
    const log = new EventLog(3);
    for (let i = 0; i < 6; i++) log.append({ data: String(i) }); // keeps 4, 5, 6
    expect(log.resume(null)).toEqual({ entries: [] });
    expect(log.resume('4').entries.map((e) => e.id)).toEqual(['5', '6']);
    expect(log.resume('3').reset).toBeUndefined(); // oldest - 1 is still exact
    expect(log.resume('6')).toEqual({ entries: [] });
    for (const requested of ['2', '7', 'abc', '-1']) {
      const plan = log.resume(requested);
      expect(plan.reset).toEqual({ requested, oldest: '4' });
      expect(plan.entries.map((e) => e.id)).toEqual(['4', '5', '6']);
    }
  });

  it('notifies subscribers synchronously and stops after unsubscribe', () => {
    const log = new EventLog();
    const seen: string[] = [];
    const off = log.onAppend((e) => seen.push(e.id));
    log.append({ data: 'a' });
    off();
    log.append({ data: 'b' });
    expect(seen).toEqual(['1']);
  });
});

describe('SSE formatting', () => {
  it('writes one data line per line of data, for every kind of line break', () => {
    expect(formatEvent({ id: '7', event: 'tick', data: 'a\r\nb\rc\nd' })).toBe(
      'id: 7\nevent: tick\ndata: a\ndata: b\ndata: c\ndata: d\n\n',
    );
    expect(formatEvent({ data: '' })).toBe('data: \n\n');
  });

  it('formats retry, comments and reset', () => {
    expect(formatRetry(1500)).toBe('retry: 1500\n\n');
    expect(formatComment('hi\nthere')).toBe(': hi\n: there\n\n');
    expect(formatReset('3', '9')).toBe('event: reset\ndata: {"requested":"3","oldest":"9"}\n\n');
  });
});

describe('fault plans', () => {
  it('accepts every documented shape', () => {
    const result = parseFaultPlan({
      drop: true,
      stall: 1.5,
      status: { code: 503, count: 2 },
      sseDisabled: true,
      wsDisabled: false,
      drip: true,
      malformed: true,
      restart: 100,
    });
    expect(result).toEqual({
      ok: true,
      plan: {
        drop: true,
        stall: 1.5,
        status: { code: 503, count: 2 },
        sseDisabled: true,
        wsDisabled: false,
        drip: { chunkBytes: 3, intervalMs: 20 },
        malformed: true,
        restart: 100,
      },
    });
    expect(parseFaultPlan({ drip: false, stall: 0, status: null })).toEqual({
      ok: true,
      plan: { drip: null, stall: null, status: null },
    });
  });

  it('rejects unknown keys and bad values', () => {
    for (const body of [
      [],
      'x',
      { nope: 1 },
      { stall: -1 },
      { status: { code: 99 } },
      { drip: { chunkBytes: 0 } },
      { drop: 'yes' },
    ]) {
      expect(parseFaultPlan(body).ok, JSON.stringify(body)).toBe(false);
    }
  });
});
