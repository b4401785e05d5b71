/**
 * Encoding of events into SSE text: the protocol's own from src/server, plus
 * what only the playground sends (comments, the malformed fault's junk).
 */
import { formatEvent, formatHeartbeatComment, formatHeartbeatEvent } from '../../src/server/sse-format.js';

export { formatEvent, formatReset, formatRetry } from '../../src/server/sse-format.js';

export interface SseEvent {
  id?: string;
  event?: string;
  data: string;
}

/** Every line break the SSE parser recognises, so a comment never breaks out of its line. */
const LINE_BREAK = /\r\n|\r|\n/;

/** A comment block (ignored by parsers, but proof of life on the wire). */
export function formatComment(text: string): string {
  return text
    .split(LINE_BREAK)
    .map((line) => `: ${line}\n`)
    .join('')
    .concat('\n');
}

/** The pair sent on every heartbeat tick: a comment, and an event native EventSource can observe. */
export function formatHeartbeat(now: number): [comment: string, event: string] {
  return [formatHeartbeatComment(now), formatHeartbeatEvent(now)];
}

/**
 * Junk that precedes an event while the `malformed` fault is on. Every line
 * must be ignored by a conforming parser, including the id with a NUL in it.
 */
export const MALFORMED_PREFIX = 'garbage\nfoo: bar\nretry: abc\nid: 1\u00002\n: odd comment from the malformed fault\n';

/** The extra, id-less event with undecodable JSON sent every few messages in malformed mode. */
export const MALFORMED_EVENT = formatEvent({ event: 'malformed', data: '{not json' });
