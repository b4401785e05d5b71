/**
 * `/raw?b=<base64url>&status=&type=&hold=1&chunks=1,5,9`: answers exact bytes,
 * so conformance tests can feed a client any stream, however broken.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from './http-util.js';

// Pause between the pieces of a chunked body, long enough to land in separate reads.
const CHUNK_GAP_MS = 20;

export interface RawRoute {
  handle(req: IncomingMessage, res: ServerResponse, url: URL): void;
  /** Clears pending chunk timers (sockets are destroyed by the server). */
  close(): void;
}

/** Splits `body` at the given byte offsets (ignoring ones outside it or out of order). */
export function splitAt(body: Buffer, offsets: number[]): Buffer[] {
  const cuts = [...new Set(offsets)].filter((n) => n > 0 && n < body.length).sort((a, b) => a - b);
  const pieces: Buffer[] = [];
  let from = 0;
  for (const cut of cuts) {
    pieces.push(body.subarray(from, cut));
    from = cut;
  }
  pieces.push(body.subarray(from));
  return pieces;
}

export function createRawRoute(): RawRoute {
  const timers = new Set<ReturnType<typeof setTimeout>>();

  function handle(req: IncomingMessage, res: ServerResponse, url: URL): void {
    req.on('error', () => {});
    res.on('error', () => {});
    const params = url.searchParams;
    const status = Number(params.get('status') ?? '200');
    if (!Number.isInteger(status) || status < 200 || status > 599)
      return sendJson(res, 400, { error: 'status must be 200-599' });
    const chunkParam = params.get('chunks');
    const offsets = chunkParam ? chunkParam.split(',').map(Number) : [];
    if (offsets.some((n) => !Number.isInteger(n)))
      return sendJson(res, 400, { error: 'chunks must be integer byte offsets' });
    const body = Buffer.from(params.get('b') ?? '', 'base64url');
    const type = params.get('type') ?? 'text/event-stream';
    const hold = params.get('hold') === '1';

    res.writeHead(status, {
      ...(type === 'none' ? {} : { 'Content-Type': type }),
      'Cache-Control': 'no-cache',
      ...(hold ? {} : { 'Content-Length': String(status === 204 || status === 304 ? 0 : body.length) }),
    });
    res.flushHeaders();
    req.socket.setNoDelay(true);
    const noBody = status === 204 || status === 304;
    const pieces = noBody ? [] : splitAt(body, offsets);

    const writeNext = (): void => {
      if (res.destroyed || res.writableEnded) return;
      const piece = pieces.shift();
      if (piece && piece.length > 0) res.write(piece);
      if (pieces.length > 0) {
        const timer = setTimeout(() => {
          timers.delete(timer);
          writeNext();
        }, CHUNK_GAP_MS);
        timers.add(timer);
      } else if (!hold) {
        res.end();
      }
      // With hold, the response stays open until the client leaves or the server closes.
    };
    writeNext();
  }

  return {
    handle,
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
