/** Small HTTP helpers shared by the routes: CORS, JSON/text answers, bounded body reading. */
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';

/** 1 MiB plus room for JSON quoting and a batch envelope, so a 1 MB event fits. */
export const MAX_BODY_BYTES = 1024 * 1024 + 64 * 1024;
// Past this we stop draining an oversized body and cut the connection.
const MAX_DRAIN_BYTES = 64 * 1024 * 1024;

export const ALLOWED_HEADERS = 'Last-Event-ID, Authorization, Content-Type, X-Requested-With, Cache-Control, Accept';

/** Echoes the Origin so credentialed cross-origin EventSource/fetch work against the playground. */
export function applyCors(req: IncomingMessage, res: ServerResponse): void {
  const origin = req.headers.origin;
  if (origin) {
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Allow-Credentials', 'true');
  }
  res.setHeader('Vary', 'Origin');
}

/** Answers a CORS preflight. */
export function answerPreflight(req: IncomingMessage, res: ServerResponse): void {
  applyCors(req, res);
  res.writeHead(204, {
    'Access-Control-Allow-Methods': 'GET, POST, DELETE',
    'Access-Control-Allow-Headers': ALLOWED_HEADERS,
    'Access-Control-Max-Age': '600',
  });
  res.end();
}

/** Headers are only writable until the client has gone or we answered already. */
export function canRespond(res: ServerResponse): boolean {
  return !res.headersSent && !res.destroyed && !res.writableEnded;
}

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  if (!canRespond(res)) return;
  const body = JSON.stringify(value);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
  });
  res.end(body);
}

export function sendText(res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
  if (!canRespond(res)) return;
  // 204/304 may not carry a body at all.
  const body = status === 204 || status === 304 ? '' : text;
  res.writeHead(status, {
    ...(body ? { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)) } : {}),
    'Cache-Control': 'no-store',
    ...extra,
  });
  res.end(body);
}

export type BodyResult = { ok: true; body: Buffer } | { ok: false; error: string };

/**
 * Reads the whole request body up to `limit` bytes. An oversized body is
 * drained (not answered early) so the client still gets to read our 400.
 */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<BodyResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else if (size > MAX_DRAIN_BYTES) req.destroy();
    });
    req.on('end', () => {
      if (size > limit) resolve({ ok: false, error: `body is ${size} bytes, over the ${limit} byte limit` });
      else resolve({ ok: true, body: Buffer.concat(chunks) });
    });
    req.on('error', (error) => resolve({ ok: false, error: `request failed: ${error.message}` }));
    req.on('close', () => resolve({ ok: false, error: 'client went away' }));
  });
}

/** Reads and parses a JSON body; failures come back as a message fit for a 400. */
export async function readJson(
  req: IncomingMessage,
): Promise<{ ok: true; value: unknown } | { ok: false; error: string }> {
  const result = await readBody(req);
  if (!result.ok) return result;
  const text = result.body.toString('utf8');
  if (text.trim() === '') return { ok: false, error: 'body is empty; expected JSON' };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, error: `body is not valid JSON: ${(error as Error).message}` };
  }
}

/** The short body of an answer forced by the `status` fault. */
export function faultBody(status: number): string {
  return `injected fault: ${status} ${STATUS_CODES[status] ?? 'Unknown'}\n`;
}
