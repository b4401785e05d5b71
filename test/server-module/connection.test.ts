/** The connection's ordering rules, with an in-memory sink: replay, then held live events, each once. */
import { describe, expect, it } from 'vitest';
import { Connection, type Sink } from '../../src/server/connection.js';

function recorder(joinsReplay = false) {
  const written: string[] = [];
  const ends: string[] = [];
  const sink: Sink = {
    write: (text) => written.push(text),
    buffered: () => 0,
    end: () => ends.push('end'),
    abort: () => ends.push('abort'),
    joinsReplay,
  };
  const ids = () => written.flatMap((t) => [...t.matchAll(/^id: (.+)$/gm)].map((m) => m[1]));
  return { sink, written, ends, ids };
}

const options = { retry: 100, maxBufferedBytes: 1000, compare: (a: string, b: string) => Number(a) - Number(b) };
const ev = (id: number) => ({ id: String(id), data: `d${id}` });

describe('Connection', () => {
  it('holds live events during the replay, then sends only those after it', () => {
    const r = recorder();
    const c = new Connection(r.sink, { ...options, heartbeatEvent: true, onClose: () => {} });
    c.live(ev(3));
    c.live(ev(4));
    c.startLive({ events: [ev(2), ev(3)] }, '1');
    c.live(ev(4));
    c.live(ev(5));
    expect(r.ids()).toEqual(['2', '3', '4', '5']);
  });

  it('an empty replay still drops live events up to the id the client already has', () => {
    const r = recorder();
    const c = new Connection(r.sink, { ...options, heartbeatEvent: true, onClose: () => {} });
    c.startLive({ events: [] }, '7');
    c.live(ev(6));
    c.live(ev(7));
    c.live(ev(8));
    expect(r.ids()).toEqual(['8']);
  });

  it('a joined replay is one write with every event, in order', () => {
    const r = recorder(true);
    const c = new Connection(r.sink, { ...options, heartbeatEvent: true, onClose: () => {} });
    c.startLive({ reset: { requested: 'x', oldest: '1' }, events: [ev(1), ev(2), ev(3)] }, 'x');
    expect(r.written).toHaveLength(3); // retry, reset, the replay
    expect(r.ids()).toEqual(['1', '2', '3']);
  });

  it('cuts off past the bound, once, and reports its close once', () => {
    let backlog = 0;
    const closes: unknown[] = [];
    const ends: string[] = [];
    const sink: Sink = {
      write: (text) => {
        backlog += text.length;
      },
      buffered: () => backlog,
      end: () => ends.push('end'),
      abort: () => ends.push('abort'),
    };
    const c = new Connection(sink, { ...options, heartbeatEvent: true, onClose: (x) => closes.push(x) });
    c.startLive({ events: [] }, null);
    for (let i = 1; i < 100; i++) c.live({ id: String(i), data: 'x'.repeat(100) });
    c.end();
    expect(ends).toEqual(['abort']);
    expect(closes).toEqual([c]);
  });
});
