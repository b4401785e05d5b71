/** SSE on a Node `(req, res)` pair: Node http, and so express and fastify's raw objects. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Sink } from './connection.js';
import { checkNodeAccess, nodeLastEventId } from './request.js';
import type { EventStreamOptions } from './types.js';

export const SSE_HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache',
  // Proxies such as nginx would otherwise buffer the stream.
  'X-Accel-Buffering': 'no',
} as const;

export type OpenConnection = (sink: Sink, lastEventId: string | null) => { dispose(): void } | undefined;

const ignore = (): void => {};

export async function handleNode(
  req: IncomingMessage,
  res: ServerResponse,
  options: EventStreamOptions,
  open: OpenConnection,
): Promise<void> {
  // A client vanishing mid-write must never take the process down.
  req.on('error', ignore);
  res.on('error', ignore);
  if (req.method !== 'GET' && req.method !== 'POST') {
    res.writeHead(405, { Allow: 'GET, POST', 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('use GET (or POST) for an event stream\n');
    return;
  }
  const refused = options.authorize ? await checkNodeAccess(options, req) : undefined;
  if (res.destroyed) return;
  if (refused !== undefined) {
    res.writeHead(refused);
    res.end();
    return;
  }
  res.writeHead(200, SSE_HEADERS);
  // Headers go out now, so the client sees the open before the first event.
  res.flushHeaders();
  res.socket?.setNoDelay(true);
  const connection = open(
    {
      write: (text) => {
        if (!res.writableEnded) res.write(text);
      },
      buffered: () => res.writableLength,
      end: () => res.end(),
      abort: () => res.destroy(),
      joinsReplay: true,
    },
    nodeLastEventId(req),
  );
  if (!connection) {
    res.end();
    return;
  }
  res.on('close', () => connection.dispose());
}
