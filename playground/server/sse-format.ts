/**
 * Encoding of events into SSE text. The WebSocket bridge sends exactly these
 * strings as frames, so both transports carry byte-identical events.
 */

export interface SseEvent {
  id?: string;
  event?: string;
  data: string;
}

/** Every line break the SSE parser recognises, so data never breaks out of its field. */
const LINE_BREAK = /\r\n|\r|\n/;

/** One event: `id:`, `event:`, a `data:` line per line of data, then the blank line. */
export function formatEvent(event: SseEvent): string {
  let text = '';
  if (event.id !== undefined) text += `id: ${event.id}\n`;
  if (event.event) text += `event: ${event.event}\n`;
  for (const line of event.data.split(LINE_BREAK)) text += `data: ${line}\n`;
  return `${text}\n`;
}

/** A comment block (ignored by parsers, but proof of life on the wire). */
export function formatComment(text: string): string {
  return text
    .split(LINE_BREAK)
    .map((line) => `: ${line}\n`)
    .join('')
    .concat('\n');
}

/** The reconnection-delay field on its own. */
export function formatRetry(ms: number): string {
  return `retry: ${Math.max(0, Math.floor(ms))}\n\n`;
}

/** The pair sent on every heartbeat tick: a comment, and an event native EventSource can observe. */
export function formatHeartbeat(now: number): [comment: string, event: string] {
  return [`: heartbeat ${now}\n\n`, formatEvent({ event: 'heartbeat', data: String(now) })];
}

/** Sent instead of a silent gap when a requested id cannot be resumed exactly. */
export function formatReset(requested: string, oldest: string): string {
  return formatEvent({ event: 'reset', data: JSON.stringify({ requested, oldest }) });
}

/**
 * Junk that precedes an event while the `malformed` fault is on. Every line
 * must be ignored by a conforming parser, including the id with a NUL in it.
 */
export const MALFORMED_PREFIX = 'garbage\nfoo: bar\nretry: abc\nid: 1\u00002\n: odd comment from the malformed fault\n';

/** The extra, id-less event with undecodable JSON sent every few messages in malformed mode. */
export const MALFORMED_EVENT = formatEvent({ event: 'malformed', data: '{not json' });
