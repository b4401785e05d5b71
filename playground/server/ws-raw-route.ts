/**
 * `/ws-raw?b=<base64url>&frames=1,5,9&binary=1&close=4000&hold=1`: sends given text over a WebSocket,
 * so conformance tests can feed the WebSocket transport any SSE text, split anywhere.
 *
 * `b` is the text as UTF-8 bytes. By default each piece is a text message, split at `frames` offsets
 * counted in characters (code points, so every piece is valid UTF-8); `b` that is not valid UTF-8 is
 * refused (a browser fails a text message that is not). With `binary=1` each piece is a binary message,
 * split at byte offsets, which can cut a UTF-8 sequence in two. Then the socket is closed with code
 * `close` (1000 unless given), or left open with `hold=1`. The upgrade is recorded like `/ws`'s.
 */
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { splitAt } from './raw-route.js';
import { recordRequest, requestedLastEventId, type RecordedRequest } from './request-log.js';

export interface WsRawRoute {
  /** Handles an upgrade whose path is /ws-raw. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): void;
}

const ignore = (): void => {};

/** Close codes an endpoint may send (RFC 6455 7.4): the defined ones that are not reserved, and 3000–4999. */
const sendableClose = (code: number): boolean =>
  (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) || (code >= 3000 && code <= 4999);

type Pieces = { binary: boolean; pieces: Buffer[]; closeCode: number; hold: boolean };

/** Reads the query; a string is what is wrong with it. */
function parse(url: URL): Pieces | string {
  const params = url.searchParams;
  const frameParam = params.get('frames');
  const offsets = frameParam ? frameParam.split(',').map(Number) : [];
  if (offsets.some((n) => !Number.isInteger(n))) return 'frames must be integer offsets';
  const closeCode = Number(params.get('close') ?? '1000');
  if (!Number.isInteger(closeCode) || !sendableClose(closeCode))
    return 'close must be a close code an endpoint may send';
  const bytes = Buffer.from(params.get('b') ?? '', 'base64url');
  const binary = params.get('binary') === '1';
  const hold = params.get('hold') === '1';
  if (binary) return { binary, pieces: splitAt(bytes, offsets), closeCode, hold };

  let text: string;
  try {
    // ignoreBOM keeps a leading U+FEFF: it is part of the text the client must see.
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return 'b is not valid UTF-8: use binary=1 to send such bytes';
  }
  const chars = Array.from(text);
  const cuts = [...new Set(offsets)].filter((n) => n > 0 && n < chars.length).sort((a, b) => a - b);
  const pieces = [0, ...cuts].map((from, i) => Buffer.from(chars.slice(from, cuts[i] ?? chars.length).join('')));
  return { binary, pieces, closeCode, hold };
}

function refuse(socket: Duplex, status: number, message: string): void {
  const body = `${message}\n`;
  socket.once('finish', () => socket.destroy());
  socket.end(
    `${[
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}`,
      'Connection: close',
      'Content-Type: text/plain; charset=utf-8',
      `Content-Length: ${Buffer.byteLength(body)}`,
    ].join('\r\n')}\r\n\r\n${body}`,
  );
}

export function createWsRawRoute(requests: RecordedRequest[]): WsRawRoute {
  // No compression, so every piece is one frame on the wire too.
  const wss = new WebSocketServer({ noServer: true, clientTracking: false, perMessageDeflate: false });

  return {
    handleUpgrade(req, socket, head) {
      socket.on('error', ignore);
      const url = new URL(req.url ?? '/', 'http://localhost');
      const lastEventId = requestedLastEventId(req, url);
      const plan = parse(url);
      if (typeof plan === 'string') {
        recordRequest(requests, req, { endpoint: 'ws', lastEventId, status: 400 });
        return refuse(socket, 400, plan);
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        recordRequest(requests, req, { endpoint: 'ws', lastEventId, status: 101 });
        ws.on('error', ignore);
        // An empty piece (empty b) is sent too: an empty message is still a message.
        for (const piece of plan.pieces) ws.send(piece, { binary: plan.binary });
        if (!plan.hold) ws.close(plan.closeCode);
      });
    },
    close() {
      wss.close();
    },
  };
}
