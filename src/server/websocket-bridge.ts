/**
 * The WebSocket bridge the client's fallback transport uses: each SSE message
 * is one text frame holding its exact SSE text. `ws` is loaded on the first
 * upgrade, so a server that never attaches the bridge never needs it.
 */
import { type IncomingMessage, type Server, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocketServer } from 'ws';
import type { OpenConnection } from './node-handler.js';
import { checkNodeAccess, nodeLastEventId } from './request.js';
import type { AttachWebSocketOptions, EventStreamOptions } from './types.js';

// 1001 "going away": the server is shutting down and the client should resume elsewhere.
const GOING_AWAY = 1001;

const ignore = (): void => {};

let wsModule: Promise<typeof import('ws')> | undefined;
const loadWs = (): Promise<typeof import('ws')> => {
  wsModule ??= import('ws').catch((error: unknown) => {
    wsModule = undefined;
    throw new Error(`attachWebSocket() needs the "ws" package: npm install ws (${String(error)})`);
  });
  return wsModule;
};

/** Refuses an upgrade with a plain HTTP answer, then drops the socket. */
function refuse(socket: Duplex, status: number): void {
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

export function attachBridge(
  server: Server,
  options: AttachWebSocketOptions,
  streamOptions: EventStreamOptions,
  open: OpenConnection,
  onError: (error: Error) => void,
): () => void {
  const path = options.path ?? '/ws';
  let wss: WebSocketServer | undefined;
  let detached = false;

  async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', ignore);
    const refused = await checkNodeAccess(streamOptions, req);
    if (socket.destroyed) return;
    if (refused !== undefined || detached) return refuse(socket, refused ?? 503);
    const ws = await loadWs();
    if (socket.destroyed) return;
    // Compression would cost memory per connection and hide frame boundaries.
    wss ??= new ws.WebSocketServer({ noServer: true, clientTracking: false, perMessageDeflate: false });
    wss.handleUpgrade(req, socket, head, (client) => {
      client.on('error', ignore);
      const connection = open(
        {
          write: (text) => {
            if (client.readyState === client.OPEN) client.send(text);
          },
          buffered: () => client.bufferedAmount,
          end: () => client.close(GOING_AWAY),
          abort: () => client.terminate(),
        },
        nodeLastEventId(req),
      );
      if (!connection) return client.close(GOING_AWAY);
      client.on('close', () => connection.dispose());
    });
  }

  const listener = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    // Other paths are left to other upgrade listeners.
    if ((req.url ?? '/').split('?')[0] !== path) return;
    upgrade(req, socket, head).catch((error: unknown) => {
      onError(error instanceof Error ? error : new Error(String(error)));
      if (!socket.destroyed) refuse(socket, 500);
    });
  };
  server.on('upgrade', listener);
  return () => {
    detached = true;
    server.off('upgrade', listener);
    wss?.close();
  };
}
