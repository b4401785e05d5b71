/** The record of every stream request (/events and /ws), so tests can assert what the client sent. */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Endpoint } from './connections.js';

export interface RecordedRequest {
  t: number;
  endpoint: Endpoint;
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body?: string;
  /** The id the stream resumed from (header, else query parameter), or null. */
  lastEventId: string | null;
  /** The status we answered with (101 for an accepted WebSocket). */
  status: number;
}

export const REQUEST_LOG_CAPACITY = 1000;

/** The header wins over the `lastEventId` query parameter; empty means none. */
export function requestedLastEventId(req: IncomingMessage, url: URL): string | null {
  const header = req.headers['last-event-id'];
  const fromHeader = Array.isArray(header) ? header[0] : header;
  if (fromHeader) return fromHeader;
  return url.searchParams.get('lastEventId') || null;
}

/** `?heartbeat=comment`: this connection's heartbeat ticks send the comment only, no `event: heartbeat`. */
export function heartbeatMode(url: URL): 'both' | 'comment' {
  return url.searchParams.get('heartbeat') === 'comment' ? 'comment' : 'both';
}

/** Appends in place (the array is shared with the API), dropping the oldest past capacity. */
export function recordRequest(
  requests: RecordedRequest[],
  req: IncomingMessage,
  entry: { endpoint: Endpoint; lastEventId: string | null; status: number; body?: string },
): void {
  requests.push({
    t: Date.now(),
    endpoint: entry.endpoint,
    method: req.method ?? 'GET',
    url: req.url ?? '',
    headers: { ...req.headers },
    ...(entry.body !== undefined ? { body: entry.body } : {}),
    lastEventId: entry.lastEventId,
    status: entry.status,
  });
  if (requests.length > REQUEST_LOG_CAPACITY) requests.splice(0, requests.length - REQUEST_LOG_CAPACITY);
}
