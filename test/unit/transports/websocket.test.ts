import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TransportRequest, WireEvent } from '../../../src/transports/transport';
import { recordingSink } from '../support/recording-sink';
import { websocketTransport } from '../../../src/transports/websocket';
import { FakeWebSocket } from '../support/fake-websocket';

const Ctor = FakeWebSocket as unknown as typeof WebSocket;

const request = (overrides: Partial<TransportRequest> = {}): TransportRequest => ({
  url: 'wss://example.test/stream?lastEventId=9',
  lastEventId: '9',
  headers: {},
  withCredentials: false,
  method: 'GET',
  body: undefined,
  eventTypes: [],
  ...overrides,
});

/** Opens a websocket transport on a fresh fake socket. */
function connect() {
  const recorder = recordingSink();
  const transport = websocketTransport(Ctor)(request(), recorder.sink);
  const socket = FakeWebSocket.instances.at(-1)!;
  return { ...recorder, transport, socket };
}

/** An open connection whose open call is already recorded and dropped. */
function connected() {
  const c = connect();
  c.socket.serverOpen();
  c.calls.length = 0;
  return c;
}

const msg = (data: string, id?: string, type = 'message'): WireEvent => ({ type, data, id });
const bytes = (text: string): ArrayBuffer => new TextEncoder().encode(text).buffer as ArrayBuffer;

afterEach(() => {
  FakeWebSocket.instances = [];
  vi.unstubAllGlobals();
});

describe('websocketTransport: connecting', () => {
  it('opens the request URL, asks for ArrayBuffers and reports open without a status', () => {
    const c = connect();
    expect(c.socket.url).toBe('wss://example.test/stream?lastEventId=9');
    expect(c.socket.binaryType).toBe('arraybuffer');
    expect(c.calls).toEqual([]);
    c.socket.serverOpen();
    expect(c.calls).toEqual([['open']]);
  });

  it('looks up the global WebSocket at connect time', () => {
    const factory = websocketTransport();
    vi.stubGlobal('WebSocket', FakeWebSocket);
    factory(request(), recordingSink().sink);
    expect(FakeWebSocket.instances).toHaveLength(1);
  });

  it('fails fatally with a clear message, after the factory returns, when there is no WebSocket', async () => {
    vi.stubGlobal('WebSocket', undefined);
    const recorder = recordingSink();
    websocketTransport()(request(), recorder.sink);
    expect(recorder.calls).toEqual([]);
    await Promise.resolve();
    expect(recorder.failures()).toEqual([expect.objectContaining({ fatal: true })]);
    expect(recorder.failures()[0]?.message).toMatch(/WebSocket is not available/);
  });

  it('fails fatally when the constructor throws (bad URL)', async () => {
    const cause = new SyntaxError('The URL is invalid');
    // biome-ignore lint/complexity/useArrowFunction: called with `new`, so it must be a function
    const Throwing = function () {
      throw cause;
    } as unknown as typeof WebSocket;
    const recorder = recordingSink();
    websocketTransport(Throwing)(request(), recorder.sink);
    await Promise.resolve();
    expect(recorder.failures()).toEqual([expect.objectContaining({ fatal: true, cause })]);
  });

  it('reports nothing for a missing WebSocket once closed', async () => {
    vi.stubGlobal('WebSocket', undefined);
    const recorder = recordingSink();
    websocketTransport()(request(), recorder.sink).close();
    await Promise.resolve();
    expect(recorder.calls).toEqual([]);
  });
});

describe('websocketTransport: frames', () => {
  it('dispatches several events from one frame, counting the frame once as activity', () => {
    const c = connected();
    c.socket.serverSend('id: 1\ndata: a\n\ndata: b\n\nevent: tick\ndata: c\n\n');
    expect(c.calls).toEqual([
      ['activity'],
      ['event', msg('a', '1')],
      ['event', msg('b')],
      ['event', msg('c', undefined, 'tick')],
    ]);
  });

  it('assembles an event split across frames', () => {
    const c = connected();
    c.socket.serverSend('data: a\nda');
    c.socket.serverSend('ta: b\n');
    expect(c.events()).toEqual([]);
    c.socket.serverSend('\n');
    expect(c.events()).toEqual([msg('a\nb')]);
    expect(c.kinds()).toEqual(['activity', 'activity', 'activity', 'event']);
  });

  it('counts comment-only and empty frames as activity', () => {
    const c = connected();
    c.socket.serverSend(': keep-alive\n');
    c.socket.serverSend('');
    expect(c.calls).toEqual([['activity'], ['activity']]);
  });

  it('reports a valid retry field', () => {
    const c = connected();
    c.socket.serverSend('retry: 1234\n');
    expect(c.calls).toEqual([['activity'], ['retry', 1234]]);
  });

  it('decodes binary frames as UTF-8, also when a character is split across frames', () => {
    const c = connected();
    const whole = new Uint8Array(bytes('data: €\n\n'));
    c.socket.serverSend(whole.slice(0, 7).buffer);
    c.socket.serverSend(whole.slice(7).buffer);
    expect(c.events()).toEqual([msg('€')]);
  });

  it('stops mid-frame when closed from an event handler', () => {
    const recorder = recordingSink();
    const transport = websocketTransport(Ctor)(request(), {
      ...recorder.sink,
      event(event) {
        recorder.sink.event(event);
        transport.close();
      },
    });
    const socket = FakeWebSocket.instances[0]!;
    socket.serverOpen();
    socket.serverSend('data: 1\n\ndata: 2\n\n');
    socket.serverSend('data: 3\n\n');
    expect(recorder.events()).toEqual([msg('1')]);
    expect(socket.closeCalls).toHaveLength(1);
  });
});

describe('websocketTransport: close codes', () => {
  it.each([[1000], [1001], [1005], [1006], [1011], [3000]])('close code %i is a non-fatal failure', (code) => {
    const c = connected();
    c.socket.serverClose(code, 'bye');
    expect(c.calls).toEqual([['fail', expect.objectContaining({ closeCode: code })]]);
    expect(c.failures()[0]?.fatal).toBeFalsy();
  });

  it.each([[1008], [4000], [4001], [4999]])('close code %i is fatal and names the code and reason', (code) => {
    const c = connected();
    c.socket.serverClose(code, 'not allowed');
    expect(c.failures()).toEqual([
      expect.objectContaining({
        closeCode: code,
        fatal: true,
        message: `closed by server with code ${code}: not allowed`,
      }),
    ]);
  });

  it('reports an error after open once, with the close that follows', () => {
    const c = connected();
    c.socket.networkError();
    expect(c.calls).toEqual([]);
    c.socket.serverClose(1006);
    expect(c.failures()).toEqual([expect.objectContaining({ closeCode: 1006 })]);
    expect(c.failures()[0]?.fatal).toBeFalsy();
    expect(c.failures()[0]?.cause).toBeInstanceOf(Event);
  });

  it('reports an error before open as a single non-fatal failure', () => {
    const c = connect();
    c.socket.networkError();
    c.socket.serverClose(1006);
    expect(c.calls).toEqual([['fail', expect.objectContaining({ cause: expect.any(Event) })]]);
    expect(c.failures()[0]?.fatal).toBeFalsy();
  });

  it('reports nothing after a failure, and closes the socket it gave up on', () => {
    const c = connect();
    c.socket.networkError();
    expect(c.socket.closeCalls).toHaveLength(1);
    c.socket.serverOpen();
    c.socket.serverSend('data: late\n\n');
    c.transport.close();
    expect(c.kinds()).toEqual(['fail']);
  });
});

describe('websocketTransport: close()', () => {
  it('closes a socket that is still connecting and ignores its late events', () => {
    const c = connect();
    c.transport.close();
    expect(c.socket.closeCalls).toEqual([[1000]]);
    c.socket.serverOpen();
    c.socket.serverSend('data: a\n\n');
    c.socket.networkError();
    c.socket.serverClose(1006);
    expect(c.calls).toEqual([]);
  });

  it('detaches handlers with no-ops rather than null', () => {
    const c = connected();
    c.transport.close();
    for (const handler of [c.socket.onopen, c.socket.onmessage, c.socket.onerror, c.socket.onclose]) {
      expect(handler).toEqual(expect.any(Function));
    }
  });

  it('closes an open socket once, however often it is called', () => {
    const c = connected();
    c.transport.close();
    c.transport.close();
    expect(c.socket.closeCalls).toEqual([[1000]]);
    c.socket.serverClose(1000);
    expect(c.calls).toEqual([]);
  });

  it('keeps the name websocket and accepts listen() as a no-op', () => {
    const c = connected();
    c.transport.listen('tick');
    expect(c.transport.name).toBe('websocket');
    expect(c.calls).toEqual([]);
  });
});
