/**
 * The bench server, on 127.0.0.1 only: serves the bench page and its scripts, streams
 * pre-formatted events as fast as the socket takes them (SSE and WebSocket), plays the
 * stall scenario, and receives the page's progress and results by POST.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { sseBody, sseEvent, wsFrames, type Shape } from './streams.js';
import { acceptUpgrade, encodeTextFrame } from './websocket.js';

export interface Asset {
  type: string;
  body: string;
}

export interface BenchServerOptions {
  /** Path → what to serve. */
  assets: Record<string, Asset>;
  /** The configuration the page fetches from /config.json. */
  config: unknown;
  onLog(line: string): void;
}

export interface BenchServer {
  readonly url: string;
  /** Settles with the page's POST /results body, or rejects on POST /fail. */
  readonly results: Promise<unknown>;
  close(): Promise<void>;
}

/** Events sent on the first connection of a stall session, this far apart, before the silence. */
const STALL_LEAD_EVENTS = 5;
const STALL_LEAD_SPACING_MS = 50;

const ignore = (): void => {};

const SHAPES = new Set<string>(['tiny', 'big']);

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    req.on('error', reject);
  });
}

function sseHead(req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    Connection: 'keep-alive',
  });
  res.flushHeaders();
  req.socket.setNoDelay(true);
}

/** Which connection of a stall session this is (0 = the first). */
class StallSessions {
  readonly #seen = new Map<string, number>();
  next(session: string): number {
    const n = this.#seen.get(session) ?? 0;
    this.#seen.set(session, n + 1);
    return n;
  }
}

/** The stall scenario on any wire: a short lead of events then silence; every later connection gets one event at once. */
function playStall(attempt: number, send: (text: string) => void, timers: Set<ReturnType<typeof setTimeout>>): void {
  if (attempt > 0) {
    send(sseEvent(1000 + attempt, `{"resumed":${attempt}}`));
    return;
  }
  // A heartbeat event first: our native transport watches an open stream only once the server has shown
  // it sends them (its comments are hidden). Named 'heartbeat', it reaches no 'message' listener.
  send('event: heartbeat\ndata: 0\n\n');
  for (let i = 0; i < STALL_LEAD_EVENTS; i++) {
    const timer = setTimeout(() => {
      timers.delete(timer);
      send(sseEvent(i + 1, `{"lead":${i}}`));
    }, i * STALL_LEAD_SPACING_MS);
    timers.add(timer);
  }
}

export async function startBenchServer(options: BenchServerOptions): Promise<BenchServer> {
  const sockets = new Set<Socket | Duplex>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const stalls = new StallSessions();
  let settle!: { resolve(value: unknown): void; reject(error: Error): void };
  const results = new Promise<unknown>((resolve, reject) => (settle = { resolve, reject }));
  // Observed by the caller; never an unhandled rejection in between.
  results.catch(ignore);

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    res.on('error', ignore);
    if (req.method === 'POST') {
      const body = await readJson(req);
      if (path === '/log') options.onLog(String(body));
      else if (path === '/results') settle.resolve(body);
      else if (path === '/fail')
        settle.reject(new Error(`the bench page failed: ${String((body as { error?: unknown }).error)}`));
      else return void res.writeHead(404).end();
      return void res.writeHead(204).end();
    }
    if (path === '/ping') {
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-store' });
      return void res.end('pong');
    }
    if (path === '/config.json') {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
      return void res.end(JSON.stringify(options.config));
    }
    const stream = /^\/sse\/(\w+)$/.exec(path);
    if (stream) {
      const kind = stream[1] as string;
      if (kind === 'stall') {
        const attempt = stalls.next(url.searchParams.get('session') ?? '');
        sseHead(req, res);
        playStall(attempt, (text) => res.write(text), timers);
        return;
      }
      if (SHAPES.has(kind)) {
        const count = Number(url.searchParams.get('n'));
        const body = sseBody(kind as Shape, count);
        sseHead(req, res);
        // The whole run in one write; the response stays open (an end would make EventSource reconnect).
        res.write(body);
        return;
      }
    }
    const asset = options.assets[path];
    if (asset && req.method === 'GET') {
      res.writeHead(200, { 'Content-Type': asset.type, 'Cache-Control': 'no-store' });
      return void res.end(asset.body);
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end(`no route for ${req.method} ${path}`);
  }

  function upgrade(req: IncomingMessage, socket: Duplex): void {
    socket.on('error', ignore);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const match = /^\/ws\/(\w+)$/.exec(url.pathname);
    const kind = match?.[1] ?? '';
    if (!(kind === 'stall' || SHAPES.has(kind))) return void socket.destroy();
    if (!acceptUpgrade(req, socket)) return;
    (socket as Socket).setNoDelay?.(true);
    if (kind === 'stall') {
      const attempt = stalls.next(url.searchParams.get('session') ?? '');
      playStall(attempt, (text) => socket.destroyed || socket.write(encodeTextFrame(text)), timers);
    } else {
      socket.write(wsFrames(kind as Shape, Number(url.searchParams.get('n'))));
    }
  }

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      options.onLog(`bench server: ${String(error)}`);
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex) => upgrade(req, socket));
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('error', ignore);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    results,
    close() {
      for (const timer of timers) clearTimeout(timer);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      return closed;
    },
  };
}
