import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ResilientEventSource, type ResilientEventSourceError, type StateChange } from '../../src';
import { forgetWorkingTransports } from '../../src/transport-choice';
import { FakeWebSocket } from './support/fake-websocket';
import { FakeEventSource, setupFakes, teardownFakes } from './support/setup';

beforeEach(() => {
  setupFakes();
  FakeWebSocket.instances = [];
  // Which transport worked is remembered per URL for the page's lifetime: each test starts from a fresh page.
  forgetWorkingTransports();
});
afterEach(teardownFakes);

function createOnWebSocket(wsUrl: string | (() => string) = 'wss://api.example/ws') {
  const source = new ResilientEventSource('https://api.example/events?topic=a', {
    EventSource: FakeEventSource as unknown as typeof EventSource,
    WebSocket: FakeWebSocket as unknown as typeof WebSocket,
    reconnect: { initialDelay: 10, jitter: 0 },
    websocket: { url: wsUrl, after: 1, returnToSseAfter: 0 },
  });
  const changes: StateChange[] = [];
  const errors: ResilientEventSourceError[] = [];
  source.onStateChange((c) => changes.push(c));
  source.onError((e) => errors.push(e));
  return { source, changes, errors };
}

/** Runs the retry timer, then waits for the lazily loaded WebSocket transport to open socket number `count`. */
async function socketAfter(delay: number, count = 1): Promise<FakeWebSocket> {
  await vi.advanceTimersByTimeAsync(delay);
  await vi.waitFor(() => expect(FakeWebSocket.instances).toHaveLength(count));
  return FakeWebSocket.instances[count - 1]!;
}

describe('websocket fallback, as the owner sees it', () => {
  it('switches after `after` SSE failures and reports why', async () => {
    const { source, changes } = createOnWebSocket();
    FakeEventSource.last.error();
    expect(changes.at(-1)).toMatchObject({ state: 'reconnecting', reason: 'fallback', transport: 'websocket' });
    await socketAfter(10);
    expect(FakeWebSocket.instances).toHaveLength(1);
    expect(FakeEventSource.live).toHaveLength(0); // only one connection at a time
    FakeWebSocket.instances[0]!.serverOpen();
    expect(source.transport).toBe('websocket');
    expect(changes.at(-1)).toMatchObject({ state: 'open', transport: 'websocket' });
  });

  it.each([1008, 4001])('a policy close (%i) stops with an error carrying the code', async (code) => {
    const { source, changes, errors } = createOnWebSocket();
    FakeEventSource.last.error();
    const socket = await socketAfter(10);
    socket.serverOpen();
    socket.serverClose(code, 'not allowed');
    expect(errors.at(-1)).toMatchObject({ type: 'websocket', closeCode: code });
    expect(changes.at(-1)).toMatchObject({ state: 'closed', reason: 'fatal' });
    expect(source.state).toBe('closed');
    vi.advanceTimersByTime(60_000);
    expect(FakeWebSocket.instances).toHaveLength(1);
  });

  it('a clean server close is a drop: reconnect with resume', async () => {
    const { source } = createOnWebSocket('https://api.example/ws');
    source.on('n', () => {});
    FakeEventSource.last.error();
    const socket = await socketAfter(10);
    expect(socket.url).toBe('wss://api.example/ws'); // http(s) is mapped to ws(s)
    socket.serverOpen();
    socket.serverSend('id: 7\nevent: n\ndata: {}\n\n');
    socket.serverClose(1000);
    expect(source.state).toBe('reconnecting');
    const resumed = await socketAfter(1000, 2);
    expect(FakeWebSocket.instances).toHaveLength(2);
    expect(new URL(resumed.url).searchParams.get('lastEventId')).toBe('7');
  });

  it("transport 'websocket' arms no return-to-SSE timer: there is no SSE to return to", async () => {
    const source = new ResilientEventSource('https://api.example/events', {
      transport: 'websocket',
      WebSocket: FakeWebSocket as unknown as typeof WebSocket,
      websocket: { url: 'wss://api.example/ws', returnToSseAfter: 1_000 },
    });
    await vi.waitFor(() => expect(FakeWebSocket.instances).toHaveLength(1));
    FakeWebSocket.instances[0]!.serverOpen();
    expect(source.state).toBe('open');
    // The heartbeat watchdog alone: the open socket holds one timer, before and after returnToSseAfter.
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(1_500);
    expect(vi.getTimerCount()).toBe(1);
    source.close();
    expect(vi.getTimerCount()).toBe(0);
  });
});
