/**
 * Three node processes on one Redis behind a round-robin TCP proxy, and the SDK
 * on each of its Node transports (fetch, WebSocket). 10,000 events are published
 * across the nodes while the node holding the most clients is killed (SIGKILL)
 * and the previous victim restarted; every client must see 1..N once, in order.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket as NodeWebSocket } from 'ws';
import { ResilientEventSource, type StateChange } from '../../src/index.js';
import { RedisServer } from './redis-server.js';
import { until } from '../support/wait';

const NODE_SCRIPT = fileURLToPath(new URL('./fixtures/node.ts', import.meta.url));
const TOTAL = 10_000;
const BATCH = 250;

interface Node {
  name: string;
  port: number;
  child: ChildProcess;
}

let redis: RedisServer;
const children = new Set<ChildProcess>();
beforeAll(async () => {
  redis = await RedisServer.start();
});
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await redis?.dispose();
});

async function startNode(name: string, key: string): Promise<Node> {
  const child = spawn(process.execPath, ['--import', 'tsx', NODE_SCRIPT, String(redis.port), key], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start: ${output}`)), 30_000);
    child.once('exit', (code) => reject(new Error(`${name} exited (${code}): ${output}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening (\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
  });
  return { name, port, child };
}

/** A TCP proxy that spreads connections over the live nodes and counts how many each holds. */
function startProxy(nodes: () => Node[]): Promise<{ close(): Promise<void>; port: number; held: Map<string, number> }> {
  const held = new Map<string, number>();
  let next = 0;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    sockets.add(client);
    const live = nodes();
    const node = live[next++ % live.length];
    if (!node) return client.destroy();
    const upstream = connect(node.port, '127.0.0.1');
    held.set(node.name, (held.get(node.name) ?? 0) + 1);
    let counted = true;
    const drop = (): void => {
      if (counted) held.set(node.name, (held.get(node.name) ?? 1) - 1);
      counted = false;
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream).pipe(client);
  });
  // Close the listener and every proxied connection.
  const close = (): Promise<void> => {
    for (const socket of sockets) socket.destroy();
    return new Promise((resolve) => server.close(() => resolve()));
  };
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ close, port: typeof address === 'object' && address ? address.port : 0, held });
    }),
  );
}

describe('several nodes on one Redis', () => {
  it('every client sees 1..N exactly once and in order while nodes are killed and restarted', async () => {
    const key = `multi-${Date.now()}`;
    const nodes = new Map<string, Node>();
    for (const name of ['a', 'b', 'c']) nodes.set(name, await startNode(name, key));
    const proxy = await startProxy(() => [...nodes.values()]);
    const base = `http://127.0.0.1:${proxy.port}`;

    const clients = (['fetch', 'websocket'] as const).map((transport) => {
      const source = new ResilientEventSource<{ n: { n: number } }>(`${base}/events`, {
        transport,
        websocket: { url: `ws://127.0.0.1:${proxy.port}/ws` },
        WebSocket: NodeWebSocket as unknown as typeof WebSocket,
        heartbeatTimeout: 5000,
        reconnect: { initialDelay: 50, maxDelay: 400, jitter: 0 },
      });
      const numbers: number[] = [];
      const changes: StateChange[] = [];
      const resets: unknown[] = [];
      source.on('n', (event) => numbers.push(event.data.n));
      source.on('reset' as never, (event: unknown) => resets.push(event));
      source.onStateChange((change) => changes.push(change));
      return { transport, source, numbers, changes, resets };
    });
    try {
      await until(
        "clients.every((c) => c.source.state === 'open') to be true",
        () => expect(clients.every((c) => c.source.state === 'open')).toBe(true),
        undefined,
        20_000,
      );

      let victim: string | undefined;
      for (let from = 1, batch = 0; from <= TOTAL; from += BATCH, batch++) {
        const live = [...nodes.values()];
        const node = live[batch % live.length] as Node;
        const response = await fetch(`http://127.0.0.1:${node.port}/publish?from=${from}&count=${BATCH}`, {
          method: 'POST',
        });
        expect(response.status).toBe(200);
        if (batch % 8 === 7) {
          // Between batches, so every publish has been answered: kill the node holding the most clients.
          const [busiest] = [...nodes.keys()].sort((x, y) => (proxy.held.get(y) ?? 0) - (proxy.held.get(x) ?? 0));
          const killed = nodes.get(busiest as string) as Node;
          nodes.delete(killed.name);
          killed.child.kill('SIGKILL');
          await once(killed.child, 'exit');
          if (victim) nodes.set(victim, await startNode(victim, key));
          victim = killed.name;
        }
      }

      for (const client of clients) {
        await until(
          'client.numbers.length to be greater than or equal TOTAL',
          () => expect(client.numbers.length).toBeGreaterThanOrEqual(TOTAL),
          undefined,
          60_000,
        );
      }
      const expected = Array.from({ length: TOTAL }, (_, i) => i + 1);
      for (const client of clients) {
        expect(client.numbers, `${client.transport}: 1..${TOTAL} once each, in order`).toEqual(expected);
        expect(client.resets, client.transport).toEqual([]);
        // The kills reached this client: it reconnected at least once and resumed.
        expect(
          client.changes.filter((c) => c.state === 'reconnecting').length,
          `${client.transport} reconnections`,
        ).toBeGreaterThan(0);
      }
    } finally {
      for (const client of clients) client.source.close();
      await proxy.close();
      for (const node of nodes.values()) node.child.kill('SIGKILL');
    }
  }, 150_000);
});
