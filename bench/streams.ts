/**
 * The bytes the bench server sends: pre-formatted SSE bodies and WebSocket frame runs,
 * built once per shape and cached, so serving them costs one socket write.
 */
import { encodeTextFrame } from './websocket.js';

export type Shape = 'tiny' | 'big';

/** ~35 B of JSON, the size of a typical small update. */
export function tinyData(i: number): string {
  return `{"i":${i},"p":101.25,"sym":"ACME"}`;
}

export const BIG_EVENT_BYTES = 64 * 1024;

/** 64 KiB of plain text; the first characters carry the index so the page can check order. */
export function bigData(i: number): string {
  const head = `${i}:`;
  return head + 'x'.repeat(BIG_EVENT_BYTES - head.length);
}

/** One SSE event: `id:` (so resume state is exercised) and one `data:` line. */
export function sseEvent(id: number, data: string): string {
  return `id: ${id}\ndata: ${data}\n\n`;
}

const dataFor = (shape: Shape, i: number): string => (shape === 'tiny' ? tinyData(i) : bigData(i));

const sseCache = new Map<string, Buffer>();
const wsCache = new Map<string, Buffer>();

/** `count` events as one SSE body (ids 1..count, data index 0..count-1). */
export function sseBody(shape: Shape, count: number): Buffer {
  const key = `${shape}:${count}`;
  let body = sseCache.get(key);
  if (!body) {
    const parts: string[] = [];
    for (let i = 0; i < count; i++) parts.push(sseEvent(i + 1, dataFor(shape, i)));
    body = Buffer.from(parts.join(''), 'utf8');
    sseCache.set(key, body);
  }
  return body;
}

/** The same events as WebSocket text frames, one event per frame (as the reference server's /ws bridge sends them). */
export function wsFrames(shape: Shape, count: number): Buffer {
  const key = `${shape}:${count}`;
  let frames = wsCache.get(key);
  if (!frames) {
    const parts: Buffer[] = [];
    for (let i = 0; i < count; i++) parts.push(encodeTextFrame(sseEvent(i + 1, dataFor(shape, i))));
    frames = Buffer.concat(parts);
    wsCache.set(key, frames);
  }
  return frames;
}

/** Bytes of `data` the page receives in total for a run (what MB/s counts). */
export function dataBytes(shape: Shape, count: number): number {
  let total = 0;
  for (let i = 0; i < count; i++) total += Buffer.byteLength(dataFor(shape, i));
  return total;
}
