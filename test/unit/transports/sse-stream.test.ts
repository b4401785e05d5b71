import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSseFeeder } from '../../../src/transports/sse-stream';
import type { TransportSink, WireEvent } from '../../../src/transports/transport';

type Call = ['open'] | ['event', WireEvent] | ['activity'] | ['retry', number] | ['fail', unknown];

/** A sink that records every call in order. */
function recordingSink(): TransportSink & { calls: Call[]; events(): WireEvent[]; count(kind: Call[0]): number } {
  const calls: Call[] = [];
  return {
    calls,
    open: () => void calls.push(['open']),
    event: (event) => void calls.push(['event', event]),
    activity: () => void calls.push(['activity']),
    retry: (ms) => void calls.push(['retry', ms]),
    fail: (failure) => void calls.push(['fail', failure]),
    events: () => calls.flatMap((call) => (call[0] === 'event' ? [call[1]] : [])),
    count: (kind) => calls.filter((call) => call[0] === kind).length,
  };
}

/** Feed the chunks to a fresh feeder; returns the sink. */
function parse(...chunks: string[]) {
  const sink = recordingSink();
  const feeder = createSseFeeder(sink);
  for (const chunk of chunks) feeder.feed(chunk);
  return sink;
}

const msg = (data: string, id?: string, type = 'message'): WireEvent => ({ type, data, id });

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('createSseFeeder: events', () => {
  it('maps parser events to WireEvents, type defaulting to message and id to undefined', () => {
    const sink = parse('data: a\n\nevent: tick\nid: 7\ndata: b\n\nevent:\ndata: c\n\n');
    expect(sink.events()).toEqual([msg('a'), msg('b', '7', 'tick'), msg('c')]);
    expect(sink.events()[0]).toHaveProperty('id', undefined);
  });

  it('joins data lines with \\n and keeps an empty data line', () => {
    expect(parse('data: a\ndata:b\ndata\n\n').events()).toEqual([msg('a\nb\n')]);
  });

  it('removes only one leading space from a value', () => {
    expect(parse('data:  two\n\n').events()).toEqual([msg(' two')]);
  });

  it('does not dispatch an event without data, and resets the event type after it', () => {
    expect(parse('event: foo\n\n:only a comment\n\ndata: x\n\n').events()).toEqual([msg('x')]);
  });

  it('loses the id of an id-only block (eventsource-parser 3.1.1; the spec would keep it)', () => {
    // Documents a known gap: the spec's last event ID buffer would make the next event carry '5'.
    expect(parse('id: 5\n\ndata: x\n\n').events()).toEqual([msg('x', undefined)]);
  });

  it('never dispatches an event the stream has not terminated with a blank line', () => {
    expect(parse('data: a\n', 'data: b').events()).toEqual([]);
  });

  it('reassembles fields and events split across chunks', () => {
    expect(parse('da', 'ta: he', 'llo\n', '\ndata: b\n\n').events()).toEqual([msg('hello'), msg('b')]);
  });

  it('dispatches several events of one chunk in order', () => {
    expect(parse('data: 1\n\ndata: 2\n\ndata: 3\n\n').events()).toEqual([msg('1'), msg('2'), msg('3')]);
  });
});

describe('createSseFeeder: line ends', () => {
  it.each([
    ['LF', 'data: a\ndata: b\n\n'],
    ['CR', 'data: a\rdata: b\r\r'],
    ['CRLF', 'data: a\r\ndata: b\r\n\r\n'],
  ])('accepts %s line ends and dispatches at once', (_name, text) => {
    expect(parse(text).events()).toEqual([msg('a\nb')]);
  });

  it('treats a CRLF split across chunks as one line end', () => {
    // Were the LF taken as a second line end, "a" would be dispatched on its own.
    expect(parse('data: a\r', '\ndata: b\r', '\n\r', '\n').events()).toEqual([msg('a\nb')]);
  });

  it('dispatches a CR-terminated event without waiting for the next chunk', () => {
    const sink = parse('data: a\r\r');
    expect(sink.events()).toEqual([msg('a')]);
  });

  it('keeps waiting for the LF across empty chunks', () => {
    expect(parse('data: a\r', '', '\ndata: b\n\n').events()).toEqual([msg('a\nb')]);
  });

  it('takes an LF after a CR-ended chunk and a new line as a blank line only once', () => {
    expect(parse('data: a\r', '\n', '\n').events()).toEqual([msg('a')]);
  });
});

describe('createSseFeeder: BOM', () => {
  it('ignores one leading U+FEFF', () => {
    expect(parse('\uFEFFdata: a\n\n').events()).toEqual([msg('a')]);
  });

  it('ignores a BOM arriving alone in the first chunk', () => {
    expect(parse('', '\uFEFF', 'data: a\n\n').events()).toEqual([msg('a')]);
  });

  it('ignores only one BOM: a second one is part of the field name', () => {
    expect(parse('\uFEFF\uFEFFdata: a\n\ndata: b\n\n').events()).toEqual([msg('b')]);
  });

  it('does not strip a U+FEFF after the start of the stream', () => {
    expect(parse('data: a\n\n', '\uFEFFdata: b\n\n').events()).toEqual([msg('a')]);
  });

  it('does not eat the characters "ï»¿" (the BOM bytes read as Latin-1) at the start', () => {
    expect(parse('\u00EF\u00BB\u00BFdata: a\n\ndata: b\n\n').events()).toEqual([msg('b')]);
  });
});

describe('createSseFeeder: fields', () => {
  it('ignores an id containing NUL, so the event carries no id', () => {
    const sink = parse('id: 1\ndata: a\n\nid: x\0y\ndata: b\n\n');
    expect(sink.events()).toEqual([msg('a', '1'), msg('b')]);
  });

  it('reports an empty id (a reset) as the empty string', () => {
    expect(parse('id\ndata: a\n\nid:\ndata: b\n\n').events()).toEqual([msg('a', ''), msg('b', '')]);
  });

  it('reports a valid retry and ignores bogus ones', () => {
    const sink = parse(
      'retry: 1.5\nretry: -1\nretry: abc\nretry:\nretry: 12a\nretry:  100\n',
      `retry: ${'9'.repeat(400)}\n`,
      'retry: 2500\nretry:0\n',
    );
    expect(sink.calls.filter((call) => call[0] === 'retry')).toEqual([
      ['retry', 2500],
      ['retry', 0],
    ]);
    expect(sink.count('fail')).toBe(0);
  });

  it('ignores unknown fields, field names being case-sensitive', () => {
    const sink = parse('foo: bar\nData: x\nEVENT: y\nbar\ndata: a\n\n');
    expect(sink.events()).toEqual([msg('a')]);
  });
});

describe('createSseFeeder: activity', () => {
  it('counts every chunk once, before the events of that chunk', () => {
    const sink = parse('data: a\n\ndata: b\n\n', 'data: c\n\n');
    expect(sink.calls.map((call) => call[0])).toEqual(['activity', 'event', 'event', 'activity', 'event']);
  });

  it('counts a comment-only chunk and an empty chunk as activity', () => {
    const sink = parse(': ping\n', '');
    expect(sink.calls).toEqual([['activity'], ['activity']]);
  });
});

describe('createSseFeeder: stop', () => {
  it('reports nothing after stop(), even from the rest of the chunk being parsed', () => {
    const sink = recordingSink();
    const feeder = createSseFeeder({
      ...sink,
      event(event) {
        sink.event(event);
        feeder.stop();
      },
    });
    feeder.feed('data: 1\n\nretry: 5\ndata: 2\n\n');
    feeder.feed('data: 3\n\n');
    expect(sink.events()).toEqual([msg('1')]);
    expect(sink.count('retry')).toBe(0);
    expect(sink.count('activity')).toBe(1);
  });

  it('stops before dispatching when the activity callback stops it', () => {
    const sink = recordingSink();
    const feeder = createSseFeeder({ ...sink, activity: () => feeder.stop() });
    feeder.feed('data: 1\n\n');
    expect(sink.calls).toEqual([]);
  });

  it('keeps parsing when the sink throws, and rethrows the error asynchronously', () => {
    const later: (() => void)[] = [];
    vi.stubGlobal('queueMicrotask', (callback: () => void) => later.push(callback));
    const sink = recordingSink();
    const feeder = createSseFeeder({
      ...sink,
      event(event) {
        sink.event(event);
        if (event.data === '1') throw new Error('boom');
      },
    });
    feeder.feed('data: 1\n\ndata: 2\n\n');
    feeder.feed('data: 3\n\n');
    expect(sink.events()).toEqual([msg('1'), msg('2'), msg('3')]);
    expect(later).toHaveLength(1);
    expect(() => later[0]?.()).toThrow('boom');
  });
});
