/**
 * The reference server: one event log behind SSE (/events), a WebSocket bridge
 * (/ws), publishing, fault injection, request records, exact bytes or text for
 * conformance tests (/raw, /ws-raw) and static files.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Hub } from './connections.js';
import { CONTROL_PATHS, handleControl } from './control-routes.js';
import { FaultState } from './faults.js';
import { answerPreflight, applyCors, canRespond, sendJson } from './http-util.js';
import { EventLog } from './log.js';
import { startProducers } from './producers.js';
import { handlePublish, publishOne, type PublishInput } from './publish.js';
import { createRawRoute } from './raw-route.js';
import type { RecordedRequest } from './request-log.js';
import { handleSse } from './sse-endpoint.js';
import { REPO_ROOT, type StaticMounts, serveStatic } from './static-files.js';
import { createWsBridge } from './ws-bridge.js';
import { createWsRawRoute } from './ws-raw-route.js';

export type { LogEntry } from './log.js';
export type { RecordedRequest } from './request-log.js';
export type { PublishInput } from './publish.js';
export type { FaultSnapshot } from './faults.js';

export interface ServerOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** Log entries kept for resume; older ones are dropped. */
  capacity?: number;
  /** Heartbeat period; 0 turns heartbeats off. */
  heartbeatMs?: number;
  /** The `retry:` sent first on every stream. */
  retryMs?: number;
  /** Built-in server-time and price events. */
  producers?: boolean;
  /** Repository root that /, /assets, /dist and /vendor are served from. */
  staticRoot?: string;
  /** More static directories by URL prefix, relative to `staticRoot` or absolute, e.g. `{ '/fixtures/': 'test/e2e/fixtures' }`. */
  staticMounts?: StaticMounts;
}

export interface RunningServer {
  /** e.g. http://127.0.0.1:5180 (no trailing slash). */
  readonly url: string;
  readonly port: number;
  readonly log: EventLog;
  /** Stream requests, oldest first (capped); cleared in place by DELETE /debug/requests. */
  readonly requests: RecordedRequest[];
  readonly faults: FaultState;
  /** Open SSE plus WebSocket streams. */
  connectionCount(): number;
  /** Appends an event (fanned out at once); returns its id. Throws on invalid input. */
  publish(event: PublishInput): string;
  /** Stops listening, destroys every connection, waits `downMs`, listens again on the same port. */
  restart(downMs: number): Promise<void>;
  /** Destroys every socket and timer; resolves once the listener is closed. */
  close(): Promise<void>;
}

const ignore = (): void => {};

export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const root = options.staticRoot ?? REPO_ROOT;
  const log = new EventLog(options.capacity ?? 1000);
  const faults = new FaultState();
  const hub = new Hub(log, faults, { retryMs: options.retryMs ?? 1000, heartbeatMs: options.heartbeatMs ?? 5000 });
  const requests: RecordedRequest[] = [];
  const bridge = createWsBridge({ hub, faults, requests });
  const raw = createRawRoute();
  const wsRaw = createWsRawRoute(requests);
  const sockets = new Set<Socket>();
  const server = createServer();

  let closed = false;
  let restarting: Promise<void> = Promise.resolve();
  let wakeFromDowntime: (() => void) | undefined;
  let downTimer: ReturnType<typeof setTimeout> | undefined;

  const control = { log, hub, faults, requests, restart };

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    applyCors(req, res);
    if (method === 'OPTIONS') return answerPreflight(req, res);
    const path = url.pathname;
    if (path === '/events' && (method === 'GET' || method === 'POST'))
      return handleSse(req, res, url, { hub, faults, requests });
    if (path === '/publish' && method === 'POST') return handlePublish(req, res, log);
    if (CONTROL_PATHS.has(path)) return handleControl(req, res, path, control);
    if (path === '/raw' && (method === 'GET' || method === 'POST')) return raw.handle(req, res, url);
    if (path === '/ws' || path === '/ws-raw')
      return sendJson(res, 426, { error: `use a WebSocket upgrade on ${path}` });
    if ((method === 'GET' || method === 'HEAD') && (await serveStatic(req, res, root, options.staticMounts))) return;
    if (path === '/events' || path === '/publish' || path === '/raw')
      return sendJson(res, 405, { error: `${method} is not allowed on ${path}` });
    sendJson(res, 404, { error: `no route for ${method} ${path}` });
  }

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    route(req, res).catch((error: unknown) => {
      console.error('request failed:', error);
      if (canRespond(res)) sendJson(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  });
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    // The path only, without parsing the URL (the bridge answers a malformed one).
    const path = (req.url ?? '/').split('?')[0];
    (path === '/ws-raw' ? wsRaw : bridge).handleUpgrade(req, socket, head);
  });
  // Tracked ourselves: upgraded sockets are invisible to server.closeAllConnections().
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('error', ignore);
    socket.on('close', () => sockets.delete(socket));
  });

  function listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error): void => reject(error);
      server.once('error', onError);
      server.listen(port, host, () => {
        server.off('error', onError);
        resolve();
      });
    });
  }

  /** Stops accepting, then destroys every socket (SSE, WS, keep-alive, held raw responses). */
  function stopListening(): Promise<void> {
    const stopped = new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
    hub.dropAll();
    for (const socket of sockets) socket.destroy();
    return stopped;
  }

  async function restartOnce(downMs: number): Promise<void> {
    if (closed) return;
    await stopListening();
    await new Promise<void>((resolve) => {
      wakeFromDowntime = resolve;
      downTimer = setTimeout(resolve, downMs);
    });
    downTimer = undefined;
    wakeFromDowntime = undefined;
    if (!closed) await listen(port);
  }

  function restart(downMs: number): Promise<void> {
    // Restarts queue up rather than overlap.
    const next = restarting.catch(ignore).then(() => restartOnce(Math.max(0, downMs)));
    restarting = next;
    return next;
  }

  let closing: Promise<void> | undefined;
  function close(): Promise<void> {
    closing ??= (async () => {
      closed = true;
      stopProducers();
      raw.close();
      clearTimeout(downTimer);
      wakeFromDowntime?.();
      await restarting.catch(ignore);
      hub.close();
      const stopped = stopListening();
      bridge.close();
      wsRaw.close();
      // Last, so connections waiting out a stall find their sockets already gone.
      faults.dispose();
      await stopped;
    })();
    return closing;
  }

  await listen(options.port ?? 0);
  const { port } = server.address() as AddressInfo;
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const stopProducers = options.producers === false ? ignore : startProducers((event) => publishOne(log, event));

  return {
    url: `http://${urlHost}:${port}`,
    port,
    log,
    requests,
    faults,
    connectionCount: () => hub.size,
    publish: (event) => publishOne(log, event),
    restart,
    close,
  };
}
