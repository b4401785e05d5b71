/** A stream from `resilient-eventsource/server` behind a real Node http server on 127.0.0.1. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { onTestFinished } from 'vitest';
import { createEventStream, type EventStream, type EventStreamOptions } from '../../src/server/index.js';

export { openSse, parseBlock, type SseBlock, SseReader } from '../server/sse-reader.js';
export { openWs, upgradeStatus, WsReader } from '../server/ws-reader.js';

export interface Served {
  stream: EventStream;
  server: Server;
  url: string;
  /** http://.../events */
  events: string;
  /** ws://.../ws */
  ws: string;
}

/** Serves `stream.handle` on /events and the bridge on /ws; everything is closed when the test ends. */
export async function serve(options: EventStreamOptions = {}): Promise<Served> {
  const stream = createEventStream({ heartbeat: false, retry: 500, ...options });
  const server = createServer((req, res) => {
    if ((req.url ?? '').startsWith('/events')) return stream.handle(req, res);
    res.writeHead(404).end();
  });
  stream.attachWebSocket(server, { path: '/ws' });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  onTestFinished(async () => {
    await stream.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return { stream, server, url, events: `${url}/events`, ws: `ws://127.0.0.1:${port}/ws` };
}

/** Publishes `count` events named `n` with data {"n": from + i}, one after another; returns their ids. */
export async function publishNumbered(stream: EventStream, from: number, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push(await stream.publish({ event: 'n', data: { n: from + i } }));
  return ids;
}
