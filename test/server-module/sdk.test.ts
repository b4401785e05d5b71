/**
 * The SDK in Node (fetch and WebSocket transports) against createEventStream
 * on both logs: live events, then a server shutdown (close()), and a new
 * stream on the same log and port where the client resumes with nothing lost or repeated.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { WebSocket as NodeWebSocket } from 'ws';
import { ResilientEventSource } from '../../src/index.js';
import { createEventStream, type EventLog, memoryLog, redisLog } from '../../src/server/index.js';
import { RedisServer } from './redis-server.js';
import { until } from '../support/wait';

let redis: RedisServer;
beforeAll(async () => {
  redis = await RedisServer.start();
});
afterAll(() => redis?.dispose());

/** A stream on `log` served on `port` (0: a free one); returns its port and a stop that closes it all. */
async function node(log: EventLog, port = 0) {
  const stream = createEventStream({ log, heartbeat: 1000, retry: 100 });
  const server = createServer((req, res) => stream.handle(req, res));
  stream.attachWebSocket(server, { path: '/ws' });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const stop = async (): Promise<void> => {
    await stream.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
  return { stream, port: (server.address() as AddressInfo).port, stop };
}

const logs: Array<[string, () => EventLog]> = [
  ['memoryLog', () => memoryLog()],
  ['redisLog', () => redisLog({ client: redis.client(), key: `sdk-${Date.now()}-${Math.random()}`, blockMs: 500 })],
];

describe.each(logs)('the SDK against createEventStream with %s', (_name, makeLog) => {
  it.each(['fetch', 'websocket'] as const)(
    '%s transport: resumes across a server close() without loss or repeat',
    async (transport) => {
      // The log outlives the stream, as Redis outlives a node (for memoryLog, as if a sibling took over).
      const log = makeLog();
      const innerClose = log.close;
      log.close = async () => {};
      onTestFinished(() => innerClose());
      let current = await node(log);
      const { port } = current;
      onTestFinished(() => current.stop());
      const source = new ResilientEventSource<{ n: { n: number } }>(`http://127.0.0.1:${port}/events`, {
        transport,
        websocket: { url: `ws://127.0.0.1:${port}/ws` },
        WebSocket: NodeWebSocket as unknown as typeof WebSocket,
        reconnect: { initialDelay: 50, maxDelay: 300, jitter: 0 },
      });
      onTestFinished(() => source.close());
      const numbers: number[] = [];
      source.on('n', (event) => numbers.push(event.data.n));
      await until("source.state to be 'open'", () => expect(source.state).toBe('open'), undefined, 10_000);

      for (let n = 0; n < 20; n++) await current.stream.publish({ event: 'n', data: { n } });
      await until('numbers to have length 20', () => expect(numbers).toHaveLength(20), undefined, 10_000);
      await current.stop();
      // Published while the client is away: it must get these from the replay.
      for (let n = 20; n < 30; n++) await log.append({ event: 'n', data: JSON.stringify({ n }) });
      current = await node(log, port);
      await until('numbers to have length 30', () => expect(numbers).toHaveLength(30), undefined, 15_000);
      for (let n = 30; n < 40; n++) await current.stream.publish({ event: 'n', data: { n } });
      await until('numbers to have length 40', () => expect(numbers).toHaveLength(40), undefined, 10_000);
      expect(numbers).toEqual(Array.from({ length: 40 }, (_, i) => i));
    },
  );
});
