/**
 * `npm run bench:server`: one node of resilient-eventsource/server on loopback,
 * with the memory log and then the Redis log (a redis-server we start, no
 * persistence). It measures idle connections held and memory per connection,
 * the fan-out of one event to all of them (p50, p99), and the replay of 10,000
 * events. Bounded: every step has a deadline and the whole run stops itself.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { RedisServer } from '../../test/server-module/redis-server.js';

const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url));
const WHOLE_RUN_MS = 10 * 60_000;
const STEP_MS = 3 * 60_000;
const FANOUT_EVENTS = 20;
const REPLAY_EVENTS = 10_000;
const REPLAY_ROUNDS = 5;
const CLIENTS_PER_PROCESS = 5_000;

/** The open-files limit this process (and so its children) got; the script raises it before starting us. */
function fdLimit(): number {
  const line = readFileSync('/proc/self/limits', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Max open files'));
  return Number(line?.split(/\s+/)[3]) || 1024;
}

// What one node can hold within the fd limit (a socket per connection, plus its own files).
const CONNECTIONS = Number(process.env.BENCH_SERVER_CONNECTIONS) || Math.min(20_000, fdLimit() - 300);

const children = new Set<ChildProcess>();
const stopAll = (): void => {
  for (const child of children) child.kill('SIGKILL');
};
const wholeRun = setTimeout(() => {
  console.error(`bench:server: still running after ${WHOLE_RUN_MS / 60_000} min, stopping`);
  stopAll();
  process.exit(1);
}, WHOLE_RUN_MS);

function start(script: string, args: string[], extra: string[] = []): ChildProcess {
  const child = fork(here(script), args, { execArgv: ['--import', 'tsx', ...extra], stdio: 'inherit' });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Sends a request and waits for the answer of that type. */
function ask<T>(child: ChildProcess, request: object, answer: string | string[]): Promise<T> {
  const types = Array.isArray(answer) ? answer : [answer];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${types.join('/')} within ${STEP_MS} ms`)), STEP_MS);
    const onMessage = (message: { type: string }): void => {
      if (!types.includes(message.type)) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(message as T);
    };
    child.on('message', onMessage);
    if (Object.keys(request).length > 0) child.send(request);
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const quantile = (sorted: number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

interface Memory {
  rss: number;
  heapUsed: number;
  external: number;
}

/** Time (ms) from sending the request to the last of `count` replayed events. */
function replayOnce(port: number, after: string, count: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = connect(port, '127.0.0.1');
    let seen = 0;
    let tail = '';
    const marker = 'event: r\n';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`replay: ${seen} of ${count} events after ${STEP_MS} ms`));
    }, STEP_MS);
    socket.on('data', (chunk: Buffer) => {
      const text = tail + chunk.toString('latin1');
      for (let at = text.indexOf(marker); at >= 0; at = text.indexOf(marker, at + marker.length)) seen++;
      // Keep a short tail so a marker split across chunks is counted once, in the next chunk.
      const cut = Math.max(0, text.length - (marker.length - 1));
      tail = text.slice(cut);
      if (tail.includes(marker)) tail = '';
      if (seen >= count) {
        clearTimeout(timer);
        socket.destroy();
        resolve(performance.now() - started);
      }
    });
    socket.on('error', reject);
    socket.write(`GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\nLast-Event-ID: ${after}\r\n\r\n`);
  });
}

interface Row {
  log: string;
  held: number;
  perConnKB: number;
  heapPerConnKB: number;
  fanP50: number;
  fanP99: number;
  delivered: string;
  replayMs: number;
}

async function measure(kind: 'memory' | 'redis', redisPort: number): Promise<Row> {
  const node = start('./stream-node.ts', [kind, String(redisPort)], ['--expose-gc']);
  const { port } = await ask<{ port: number }>(node, {}, 'listening');
  await sleep(500);
  const before = await ask<Memory>(node, { type: 'memory' }, 'memory');

  const groups: ChildProcess[] = [];
  let held = 0;
  for (let from = 0; from < CONNECTIONS; from += CLIENTS_PER_PROCESS) {
    const count = Math.min(CLIENTS_PER_PROCESS, CONNECTIONS - from);
    const clients = start('./clients.ts', []);
    groups.push(clients);
    const opened = await ask<{ type: string; count: number; error?: string }>(clients, { type: 'open', port, count }, [
      'opened',
      'failed',
    ]);
    if (opened.type === 'failed') console.error(`clients: ${opened.error} after ${opened.count}`);
  }
  held = (await ask<{ count: number }>(node, { type: 'count' }, 'count')).count;
  await sleep(1000);
  const after = await ask<Memory>(node, { type: 'memory' }, 'memory');

  for (let k = 0; k < FANOUT_EVENTS; k++) {
    await ask(node, { type: 'publish', k }, 'published');
    await sleep(250);
  }
  await sleep(2000);
  const latencies: number[] = [];
  for (const clients of groups)
    latencies.push(...(await ask<{ latencies: number[] }>(clients, { type: 'collect' }, 'latencies')).latencies);
  latencies.sort((a, b) => a - b);
  for (const clients of groups) clients.send({ type: 'close' });
  await sleep(1000);

  const { marker } = await ask<{ marker: string }>(node, { type: 'fill', count: REPLAY_EVENTS }, 'filled');
  const replays: number[] = [];
  for (let i = 0; i < REPLAY_ROUNDS; i++) replays.push(await replayOnce(port, marker, REPLAY_EVENTS));
  replays.sort((a, b) => a - b);
  node.kill('SIGKILL');

  return {
    log: kind === 'memory' ? 'memoryLog' : 'redisLog',
    held,
    perConnKB: (after.rss - before.rss) / held / 1024,
    heapPerConnKB: (after.heapUsed + after.external - before.heapUsed - before.external) / held / 1024,
    fanP50: quantile(latencies, 0.5),
    fanP99: quantile(latencies, 0.99),
    delivered: `${latencies.length} / ${held * FANOUT_EVENTS}`,
    replayMs: quantile(replays, 0.5),
  };
}

const fmt = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

async function main(): Promise<void> {
  const redis = await RedisServer.start();
  const rows: Row[] = [];
  try {
    rows.push(await measure('memory', redis.port));
    rows.push(await measure('redis', redis.port));
  } finally {
    await redis.dispose();
  }
  const when = new Date().toISOString().replace('T', ' ').slice(0, 16);
  const lines = [
    `Measured ${when} UTC on ${availableParallelism()} cores (load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} at the end; the machine was shared while measured), one node, loopback, Node ${process.version}.`,
    '',
    '| log | idle connections held | RSS per connection | heap+external per connection | fan-out p50 | fan-out p99 | deliveries | replay of 10,000 events (median of 5) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.log} | ${r.held} | ${fmt(r.perConnKB)} KB | ${fmt(r.heapPerConnKB)} KB | ${fmt(r.fanP50)} ms | ${fmt(r.fanP99)} ms | ${r.delivered} | ${fmt(r.replayMs)} ms |`,
    ),
    '',
    `Goals: 20,000 connections at ≤ 10 KB each; fan-out p99 ≤ 200 ms; replay ≤ 50 ms. Open-files limit here: ${fdLimit()}.`,
  ];
  const text = lines.join('\n');
  console.log(text);
  writeFileSync(here('./RESULTS.md'), `# bench:server\n\n${text}\n`);
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => {
    clearTimeout(wholeRun);
    stopAll();
  });
