import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSource, FakeEventSource, setupFakes, teardownFakes } from './support/setup';
import type { ServerEvent } from '../../src';

beforeEach(() => {
  setupFakes();
});
afterEach(teardownFakes);

describe('server events', () => {
  it('delivers parsed data with raw text, type and lastEventId', () => {
    const { source } = createSource<{ price: { px: number }; message: string }>();
    const prices: unknown[] = [];
    source.on('price', (e) => prices.push([e.type, e.data.px, e.raw, e.lastEventId]));
    FakeEventSource.last.accept();
    FakeEventSource.last.send('price', '{"px":1.5}', '7');
    expect(prices).toEqual([['price', 1.5, '{"px":1.5}', '7']]);
    expect(source.lastEventId).toBe('7');
  });

  it("server events named 'error', 'open' and 'state' reach listeners and are not lifecycle", () => {
    const { source, changes, errors } = createSource({ parse: 'text' });
    const got: string[] = [];
    for (const name of ['error', 'open', 'state']) source.on(name, (e) => got.push(`${e.type}:${e.data}`));
    FakeEventSource.last.accept();
    const before = changes.length;
    FakeEventSource.last.send('error', 'e1');
    FakeEventSource.last.send('open', 'o1');
    FakeEventSource.last.send('state', 's1');
    expect(got).toEqual(['error:e1', 'open:o1', 'state:s1']);
    expect(source.state).toBe('open');
    expect(changes).toHaveLength(before);
    expect(errors).toEqual([]);
    expect(FakeEventSource.instances).toHaveLength(1);
  });

  it("names '__proto__', 'constructor' and '*' are delivered like any other; '*' is no wildcard", () => {
    const { source } = createSource({ parse: 'text' });
    const got: string[] = [];
    for (const name of ['__proto__', 'constructor', '*']) source.on(name, (e) => got.push(e.type));
    FakeEventSource.last.accept();
    FakeEventSource.last.send('message', 'x');
    FakeEventSource.last.send('__proto__', 'x');
    FakeEventSource.last.send('constructor', 'x');
    FakeEventSource.last.send('*', 'x');
    expect(got).toEqual(['__proto__', 'constructor', '*']);
  });

  it('invalid JSON goes to onError as a parse error with the raw text; later events still flow', () => {
    const { source, errors } = createSource();
    const got: unknown[] = [];
    source.on('tick', (e) => got.push(e.data));
    FakeEventSource.last.accept();
    FakeEventSource.last.send('tick', '{not json', '1');
    FakeEventSource.last.send('tick', '{"n":2}', '2');
    expect(got).toEqual([{ n: 2 }]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ type: 'parse', raw: '{not json', eventType: 'tick' });
    expect(source.lastEventId).toBe('2');
  });

  it('a throwing listener is reported as a listener error; the other listeners of the event still run', () => {
    const { source, errors } = createSource({ parse: 'text' });
    const boom = new Error('boom');
    const second = vi.fn();
    source.on('message', () => {
      throw boom;
    });
    source.on('message', second);
    FakeEventSource.last.accept();
    FakeEventSource.last.send('message', 'a');
    FakeEventSource.last.send('message', 'b');
    expect(second).toHaveBeenCalledTimes(2);
    expect(errors.map((e) => [e.type, e.eventType, e.cause])).toEqual([
      ['listener', 'message', boom],
      ['listener', 'message', boom],
    ]);
    expect(source.state).toBe('open');
  });

  it('a 1 MB event is delivered whole', () => {
    const { source } = createSource<{ message: string }>({ parse: 'text' });
    const big = 'x'.repeat(1024 * 1024);
    let length = 0;
    source.on('message', (e) => (length = e.data.length));
    FakeEventSource.last.accept();
    FakeEventSource.last.send('message', big, '1');
    expect(length).toBe(big.length);
  });

  it('parse: a custom function receives raw text and type', () => {
    const { source } = createSource({ parse: (raw, type) => `${type}:${raw.toUpperCase()}` });
    let data: unknown;
    source.on('message', (e) => (data = e.data));
    FakeEventSource.last.accept();
    FakeEventSource.last.send('message', 'hi');
    expect(data).toBe('message:HI');
  });

  it('off() and the returned function both remove a listener; listeners added later are subscribed', () => {
    const { source } = createSource({ parse: 'text' });
    const a = vi.fn();
    const b = vi.fn();
    FakeEventSource.last.accept();
    const offA = source.on('late', a);
    source.on('late', b);
    FakeEventSource.last.send('late', '1');
    offA();
    source.off('late', b);
    FakeEventSource.last.send('late', '2');
    expect(a).toHaveBeenCalledOnce();
    expect(b).toHaveBeenCalledOnce();
  });

  it('onStateChange and onError return their removal; a throwing state listener is isolated', () => {
    const { source, errors } = createSource();
    const states = vi.fn();
    const off = source.onStateChange(states);
    source.onStateChange(() => {
      throw new Error('bad listener');
    });
    FakeEventSource.last.accept();
    expect(states).toHaveBeenCalledOnce();
    expect(errors.at(-1)).toMatchObject({ type: 'listener' });
    off();
    FakeEventSource.last.error();
    expect(states).toHaveBeenCalledOnce();
  });
});

describe('Last-Event-ID resume', () => {
  it('sends the last id as the query parameter on every recreated connection, replacing any old value', () => {
    const { source } = createSource(
      { reconnect: { initialDelay: 10 } },
      'https://api.example/events?topic=a&lastEventId=stale',
    );
    source.on('message', () => {});
    FakeEventSource.last.accept();
    FakeEventSource.last.send('message', '1', '41');
    FakeEventSource.last.send('message', '2', '42');
    FakeEventSource.last.error();
    vi.advanceTimersByTime(10);
    const url = new URL(FakeEventSource.last.url);
    expect(url.searchParams.getAll('lastEventId')).toEqual(['42']);
    expect(url.searchParams.get('topic')).toBe('a');
  });

  it('an event without an id keeps the previous one (per spec), also across reconnects', () => {
    const { source } = createSource({ reconnect: { initialDelay: 10 } });
    source.on('message', () => {});
    FakeEventSource.last.accept();
    FakeEventSource.last.send('message', '1', '5');
    FakeEventSource.last.error();
    vi.advanceTimersByTime(10);
    FakeEventSource.last.accept();
    // a new EventSource reports '' for events without an id: that must not erase ours
    FakeEventSource.last.send('message', '2', '');
    expect(source.lastEventId).toBe('5');
  });

  it('native: once ids flow, each is read only when asked, yet every event and the resume see the right one', () => {
    const { source } = createSource<{ message: string }>({ parse: 'text', reconnect: { initialDelay: 10 } });
    const seen: ServerEvent<string>[] = [];
    source.on('message', (e) => seen.push(e));
    FakeEventSource.last.accept();
    FakeEventSource.last.send('message', 'a', '1');
    FakeEventSource.last.send('message', 'b', '2');
    FakeEventSource.last.send('message', 'c', '2'); // no id field: the previous one carries on
    expect(source.lastEventId).toBe('2');
    FakeEventSource.last.send('message', 'd', ''); // an empty id: a reset
    // Read after the fact, each event still gives its own id, not the latest one.
    expect(seen.map((e) => [e.data, e.lastEventId])).toEqual([
      ['a', '1'],
      ['b', '2'],
      ['c', '2'],
      ['d', ''],
    ]);
    // As on a MessageEvent, lastEventId is a getter: JSON has it, a spread copies the rest.
    expect(JSON.parse(JSON.stringify(seen[1]))).toEqual({ type: 'message', data: 'b', raw: 'b', lastEventId: '2' });
    expect({ ...seen[1] }).toEqual({ type: 'message', data: 'b', raw: 'b' });
    FakeEventSource.last.error();
    vi.advanceTimersByTime(10);
    expect(new URL(FakeEventSource.last.url).searchParams.has('lastEventId')).toBe(false);
  });

  it('the lastEventId option seeds the first connection; a custom parameter name or null is honoured', () => {
    createSource({ lastEventId: 'a b' });
    expect(new URL(FakeEventSource.last.url).searchParams.get('lastEventId')).toBe('a b');
    createSource({ lastEventId: '9', lastEventIdParam: 'since' });
    expect(new URL(FakeEventSource.last.url).searchParams.get('since')).toBe('9');
    createSource({ lastEventId: '9', lastEventIdParam: null });
    expect(FakeEventSource.last.url).toBe('https://api.example/events');
  });

  it('dedupe drops an event whose id was already delivered', () => {
    const { source } = createSource<{ message: string }>({
      dedupe: 10,
      parse: 'text',
      reconnect: { initialDelay: 10 },
    });
    const got: string[] = [];
    source.on('message', (e) => got.push(e.data));
    FakeEventSource.last.accept();
    FakeEventSource.last.send('message', 'a', '1');
    FakeEventSource.last.send('message', 'b', '2');
    FakeEventSource.last.error();
    vi.advanceTimersByTime(10);
    FakeEventSource.last.accept();
    FakeEventSource.last.send('message', 'b again', '2'); // a server whose replay includes the last event
    FakeEventSource.last.send('message', 'c', '3');
    expect(got).toEqual(['a', 'b', 'c']);
  });

  it('without dedupe a repeated id is delivered', () => {
    const { source } = createSource<{ message: string }>({ parse: 'text' });
    const got: string[] = [];
    source.on('message', (e) => got.push(e.data));
    FakeEventSource.last.accept();
    FakeEventSource.last.send('message', 'a', '1');
    FakeEventSource.last.send('message', 'a2', '2');
    FakeEventSource.last.send('message', 'b', '1');
    expect(got).toEqual(['a', 'a2', 'b']);
  });

  it('a function URL is called before every connection (token refresh)', async () => {
    let n = 0;
    const url = vi.fn(async () => `https://api.example/events?token=t${++n}`);
    createSource({ reconnect: { initialDelay: 10 } }, url as unknown as string);
    await vi.waitFor(() => expect(FakeEventSource.instances).toHaveLength(1));
    FakeEventSource.last.error();
    await vi.advanceTimersByTimeAsync(10);
    expect(FakeEventSource.instances.map((es) => new URL(es.url).searchParams.get('token'))).toEqual(['t1', 't2']);
    expect(url).toHaveBeenCalledTimes(2);
  });
});
