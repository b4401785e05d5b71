/** `GET|POST /events`: the SSE stream, with resume, injected statuses and the request record. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Hub, Wire } from './connections.js';
import type { FaultState } from './faults.js';
import { faultBody, readBody, sendText } from './http-util.js';
import { heartbeatMode, recordRequest, requestedLastEventId, type RecordedRequest } from './request-log.js';

/** What both stream endpoints share. */
export interface StreamContext {
  hub: Hub;
  faults: FaultState;
  requests: RecordedRequest[];
}

const ignore = (): void => {};

export async function handleSse(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  ctx: StreamContext,
): Promise<void> {
  // A client vanishing mid-write must never take the server down.
  req.on('error', ignore);
  res.on('error', ignore);
  req.socket.on('error', ignore);

  let body: string | undefined;
  if (req.method === 'POST') {
    const result = await readBody(req);
    if (!result.ok) {
      sendText(res, 413, `${result.error}\n`);
      return;
    }
    body = result.body.toString('utf8');
  }
  const lastEventId = requestedLastEventId(req, url);

  // During a stall a new connection gets nothing at all, not even headers, until it ends.
  await ctx.faults.whenNotStalled();
  if (req.socket.destroyed || res.destroyed) return;

  const injected = ctx.faults.takeStatus();
  const status = injected ?? (ctx.faults.sseDisabled ? 503 : 200);
  recordRequest(ctx.requests, req, { endpoint: 'sse', lastEventId, status, ...(body !== undefined ? { body } : {}) });
  if (injected !== undefined || status !== 200) {
    sendText(res, status, faultBody(status));
    return;
  }

  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache',
    'X-Accel-Buffering': 'no',
    Connection: 'keep-alive',
  });
  // Headers go out now, so the client sees the open before the first event.
  res.flushHeaders();
  req.socket.setNoDelay(true);

  const wire: Wire = {
    write: (piece) => {
      if (!res.destroyed && !res.writableEnded) res.write(piece);
    },
    kill: () => {
      // Destroying the socket, not ending the response: the client must see a broken stream.
      req.socket.destroy();
    },
    buffered: () => res.writableLength,
  };
  const conn = ctx.hub.open('sse', wire, lastEventId, heartbeatMode(url));
  res.on('close', () => ctx.hub.remove(conn));
  if (res.destroyed) ctx.hub.remove(conn);
}
