/**
 * `/ws`: the same stream over WebSocket. Each event is one text frame holding
 * its exact SSE text, so a client can feed frames straight into its SSE parser.
 */
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { Wire } from './connections.js';
import { faultBody } from './http-util.js';
import { heartbeatMode, recordRequest, requestedLastEventId } from './request-log.js';
import type { StreamContext } from './sse-endpoint.js';

export interface WsBridge {
  /** The http server's `upgrade` listener. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): void;
}

const ignore = (): void => {};

/** Refuses an upgrade with a plain HTTP answer, then drops the socket. */
function refuseUpgrade(socket: Duplex, status: number): void {
  const body = status === 204 ? '' : faultBody(status);
  const headers = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}`, 'Connection: close'];
  if (body) headers.push('Content-Type: text/plain; charset=utf-8', `Content-Length: ${Buffer.byteLength(body)}`);
  socket.once('finish', () => socket.destroy());
  socket.end(`${headers.join('\r\n')}\r\n\r\n${body}`);
}

export function createWsBridge(ctx: StreamContext): WsBridge {
  // We track connections ourselves (the hub), and compression would hide drip chunking.
  const wss = new WebSocketServer({ noServer: true, clientTracking: false, perMessageDeflate: false });

  async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', ignore);
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/ws') return refuseUpgrade(socket, 404);
    const lastEventId = requestedLastEventId(req, url);

    // Like SSE: during a stall the handshake itself is held back.
    await ctx.faults.whenNotStalled();
    if (socket.destroyed) return;

    const refused = ctx.faults.takeStatus() ?? (ctx.faults.wsDisabled ? 503 : undefined);
    if (refused !== undefined) {
      recordRequest(ctx.requests, req, { endpoint: 'ws', lastEventId, status: refused });
      return refuseUpgrade(socket, refused);
    }

    wss.handleUpgrade(req, socket, head, (ws) => {
      recordRequest(ctx.requests, req, { endpoint: 'ws', lastEventId, status: 101 });
      ws.on('error', ignore);
      const wire: Wire = {
        write: (piece, last) => {
          // `fin: false` sends a fragment; drip mode spreads one message over many frames.
          if (ws.readyState === WebSocket.OPEN) ws.send(piece, { binary: false, fin: last });
        },
        kill: () => ws.terminate(),
        buffered: () => ws.bufferedAmount,
      };
      const conn = ctx.hub.open('ws', wire, lastEventId, heartbeatMode(url));
      ws.on('close', () => ctx.hub.remove(conn));
    });
  }

  return {
    handleUpgrade(req, socket, head) {
      void upgrade(req, socket, head);
    },
    close() {
      wss.close();
    },
  };
}
