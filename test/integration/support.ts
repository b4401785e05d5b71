import { afterEach, beforeEach, expect } from 'vitest';
import { WebSocket as NodeWebSocket } from 'ws';
import { startServer, type RunningServer, type ServerOptions } from '../../playground/server/server';
import {
  ResilientEventSource,
  type ResilientEventSourceError,
  type ResilientEventSourceOptions,
  type StateChange,
} from '../../src';

/** The reference server on 127.0.0.1, quiet (no producers) unless asked. */
export function referenceServer(options: ServerOptions = {}): Promise<RunningServer> {
  return startServer({ port: 0, producers: false, heartbeatMs: 500, retryMs: 50, ...options });
}

export async function post(server: RunningServer, path: string, body: unknown): Promise<Response> {
  const response = await fetch(server.url + path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
  return response;
}

export const fault = (server: RunningServer, plan: object) => post(server, '/faults', plan);

/** Publishes `count` numbered `n` events ({"n": k}); returns their ids. */
export async function publishNumbered(server: RunningServer, from: number, count: number): Promise<string[]> {
  const batch = Array.from({ length: count }, (_, i) => ({ event: 'n', data: { n: from + i } }));
  const response = await post(server, '/publish', batch);
  return ((await response.json()) as { ids: string[] }).ids;
}

/** A source with everything it reports recorded, numbered `n` events in particular. */
export function observe(url: string, options: ResilientEventSourceOptions) {
  const source = new ResilientEventSource<{ n: { n: number }; malformed: unknown }>(url, {
    // Node has no WebSocket global before v22; ws is the same API.
    WebSocket: NodeWebSocket as unknown as typeof WebSocket,
    heartbeatTimeout: 5000,
    ...options,
    reconnect: { initialDelay: 50, maxDelay: 400, jitter: 0, ...options.reconnect },
  });
  const numbers: number[] = [];
  const changes: StateChange[] = [];
  const errors: ResilientEventSourceError[] = [];
  source.on('n', (e) => numbers.push(e.data.n));
  source.onStateChange((change) => changes.push(change));
  source.onError((error) => errors.push(error));
  return { source, numbers, changes, errors };
}

/** Asserts 0..count-1 arrived exactly once each, in order, printing what was seen if not. */
export function expectExactlyOnceInOrder(numbers: number[], count: number): void {
  const expected = Array.from({ length: count }, (_, i) => i);
  expect(numbers, `expected 0..${count - 1} once each in order`).toEqual(expected);
}

export const streamRequests = (server: RunningServer, endpoint: 'sse' | 'ws') =>
  server.requests.filter((request) => request.endpoint === endpoint);

/**
 * A fresh reference server for every test, and the sources a test opens against it, all closed after it.
 * `restart(options)` swaps in a server with other settings.
 */
export function serverPerTest() {
  let current: RunningServer | undefined;
  const sources: { close(): void }[] = [];
  beforeEach(async () => {
    current = await referenceServer();
  });
  afterEach(async () => {
    for (const source of sources.splice(0)) source.close();
    await current?.close();
  });
  const server = (): RunningServer => {
    if (!current) throw new Error('no reference server: serverPerTest() runs only inside tests');
    return current;
  };
  return {
    server,
    async restart(options: ServerOptions): Promise<void> {
      await server().close();
      current = await referenceServer(options);
    },
    /** Opens a source on `path` of the current server, closed after the test. */
    open(path: string, options: ResilientEventSourceOptions) {
      const observed = observe(server().url + path, options);
      sources.push(observed.source);
      return observed;
    },
  };
}
