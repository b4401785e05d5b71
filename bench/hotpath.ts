/**
 * Our per-event cost without the browser: the built package (dist/index.mjs) in Node, fed by an
 * injected EventSource that dispatches plain objects (no DOM getters) and by an injected fetch
 * that streams the bench's SSE body from memory. Compared with a bare listener doing the same
 * JSON.parse, and with eventsource-parser alone. Not part of `npm run bench`; run it as
 * `npx tsx bench/hotpath.ts` to see how many nanoseconds each event costs in our own JS.
 */
import { createParser } from 'eventsource-parser';
import { at } from './assets.js';
import { sseBody, tinyData } from './streams.js';

type Ours = typeof import('../src/index').ResilientEventSource;

const COUNT = 200_000;
const REPEAT = 7;
const CHUNK = 64 * 1024;

interface FakeMessage {
  type: string;
  data: string;
  lastEventId: string;
}

/** An EventSource whose events we dispatch ourselves, synchronously. */
class FakeEventSource {
  static last: FakeEventSource | undefined;
  onopen: ((event: unknown) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  readonly listeners = new Map<string, ((event: FakeMessage) => void)[]>();
  constructor() {
    FakeEventSource.last = this;
  }
  addEventListener(type: string, listener: (event: FakeMessage) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  removeEventListener(type: string, listener: (event: FakeMessage) => void): void {
    this.listeners.set(
      type,
      (this.listeners.get(type) ?? []).filter((l) => l !== listener),
    );
  }
  close(): void {}
}

const messages: FakeMessage[] = Array.from({ length: COUNT }, (_, i) => ({
  type: 'message',
  data: tinyData(i),
  lastEventId: String(i + 1),
}));
const body = sseBody('tiny', COUNT);

let sink = 0;
const consume = (value: { i: number }): void => {
  sink += value.i;
};

/** Best of REPEAT, in ns per event. */
async function best(run: () => Promise<void> | void): Promise<number> {
  let fastest = Infinity;
  for (let r = 0; r < REPEAT; r++) {
    const start = process.hrtime.bigint();
    await run();
    fastest = Math.min(fastest, Number(process.hrtime.bigint() - start) / COUNT);
  }
  return fastest;
}

const bareListener = (): void => {
  const listener = (event: FakeMessage): void => consume(JSON.parse(event.data) as { i: number });
  for (const message of messages) listener(message);
};

function oursOnFakeEventSource(RES: Ours): void {
  const source = new RES('http://127.0.0.1/x', {
    transport: 'native',
    EventSource: FakeEventSource as never,
    heartbeatTimeout: 0,
  });
  source.on('message', (event) => consume(event.data as { i: number }));
  const fake = FakeEventSource.last as FakeEventSource;
  fake.onopen?.({ type: 'open' });
  const [listener] = fake.listeners.get('message') ?? [];
  if (!listener) throw new Error('ours registered no message listener');
  for (const message of messages) listener(message);
  source.close();
}

function parserAlone(): void {
  const parser = createParser({ onEvent: (event) => consume(JSON.parse(event.data) as { i: number }) });
  const text = body.toString('utf8');
  for (let i = 0; i < text.length; i += CHUNK) parser.feed(text.slice(i, i + CHUNK));
}

function streamedResponse(): Response {
  let offset = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= body.length) return; // stays open, like the bench server
      controller.enqueue(new Uint8Array(body.subarray(offset, offset + CHUNK)));
      offset += CHUNK;
    },
  });
  return new Response(stream, { headers: { 'Content-Type': 'text/event-stream' } });
}

function oursOnFakeFetch(RES: Ours): Promise<void> {
  return new Promise((resolve) => {
    let received = 0;
    const source = new RES('http://127.0.0.1/x', {
      transport: 'fetch',
      fetch: async () => streamedResponse(),
      heartbeatTimeout: 0,
    });
    source.on('message', (event) => {
      consume(event.data as { i: number });
      if (++received === COUNT) {
        source.close();
        resolve();
      }
    });
  });
}

async function main(): Promise<void> {
  const { ResilientEventSource } = (await import(at('dist/index.mjs'))) as { ResilientEventSource: Ours };
  const rows: [string, number][] = [];
  rows.push(['bare listener: JSON.parse + use', await best(bareListener)]);
  rows.push([
    'ours, native transport on an injected EventSource (no DOM)',
    await best(() => oursOnFakeEventSource(ResilientEventSource)),
  ]);
  rows.push(['eventsource-parser alone + JSON.parse (64 KiB chunks)', await best(parserAlone)]);
  rows.push([
    'ours, fetch transport on an injected fetch (64 KiB chunks)',
    await best(() => oursOnFakeFetch(ResilientEventSource)),
  ]);
  const base = rows[0]?.[1] ?? 0;
  console.log(`${COUNT.toLocaleString('en-US')} tiny events, best of ${REPEAT}, Node ${process.version}\n`);
  console.log('| path | ns/event | over the bare listener |\n|---|---|---|');
  for (const [name, ns] of rows)
    console.log(`| ${name} | ${ns.toFixed(0)} | ${name.startsWith('bare') ? '' : `+${(ns - base).toFixed(0)}`} |`);
  if (sink === 0) console.log('(nothing consumed?)');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
