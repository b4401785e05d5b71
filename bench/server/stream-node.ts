/**
 * The node under measurement (a child process with IPC): one stream on the
 * memory or Redis log, served on a loopback port, heartbeats off so idle
 * connections are idle. Answers the parent's requests by message.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { createEventStream, memoryLog, redisLog } from '../../src/server/index.js';

export type NodeRequest =
  | { type: 'memory' }
  | { type: 'count' }
  | { type: 'publish'; k: number }
  | { type: 'fill'; count: number };

const [kind, redisPort] = process.argv.slice(2);
const client = kind === 'redis' ? new Redis({ host: '127.0.0.1', port: Number(redisPort) }) : undefined;
const log = client ? redisLog({ client, key: `bench-${process.pid}` }) : memoryLog({ capacity: 20_000 });
const stream = createEventStream({ log, heartbeat: false, retry: 1000 });
const server = createServer((req, res) => stream.handle(req, res));
// Room for every connection the parent opens at once.
server.maxConnections = 100_000;
server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => {
  process.send?.({ type: 'listening', port: (server.address() as AddressInfo).port });
});

const gc = (globalThis as { gc?: () => void }).gc;

process.on('message', async (message: NodeRequest) => {
  switch (message.type) {
    case 'memory': {
      gc?.();
      gc?.();
      const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
      return process.send?.({ type: 'memory', rss, heapUsed, external, arrayBuffers });
    }
    case 'count':
      return process.send?.({ type: 'count', count: stream.connectionCount });
    case 'publish': {
      const t = performance.timeOrigin + performance.now();
      await stream.publish({ event: 'fan', data: `{"k":${message.k},"t":${t}}` });
      return process.send?.({ type: 'published' });
    }
    case 'fill': {
      // The marker's id is where a replay of exactly `count` events starts.
      const marker = await stream.publish({ event: 'marker', data: '' });
      for (let i = 0; i < message.count; i++)
        await stream.publish({ event: 'r', data: `{"i":${i},"pad":"${'x'.repeat(40)}"}` });
      return process.send?.({ type: 'filled', marker });
    }
  }
});
