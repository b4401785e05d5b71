/** What every entry point reads from a connection request: where to resume, and whether it may open. */
import type { IncomingMessage } from 'node:http';
import type { ConnectionRequest, EventStreamOptions, RefusalStatus } from './types.js';

/** [spec] The `Last-Event-ID` header wins; the `lastEventId` query parameter serves clients that cannot set it. */
export function requestedLastEventId(headers: Headers, url: URL): string | null {
  return headers.get('last-event-id') || url.searchParams.get('lastEventId') || null;
}

/** The same from a Node request, without building Headers and a URL (costly at 20,000 connections). */
export function nodeLastEventId(req: IncomingMessage): string | null {
  const header = req.headers['last-event-id'];
  const fromHeader = Array.isArray(header) ? header[0] : header;
  if (fromHeader) return fromHeader;
  const url = req.url ?? '';
  const query = url.indexOf('?');
  if (query < 0 || !url.includes('lastEventId', query)) return null;
  return new URLSearchParams(url.slice(query + 1)).get('lastEventId') || null;
}

/** A Node request as the Web-standard pieces `authorize` receives. */
export function fromNodeRequest(req: IncomingMessage): ConnectionRequest {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  const url = new URL(req.url ?? '/', `http://${headers.get('host') || 'localhost'}`);
  return { url, headers, raw: req };
}

/** For Node requests: the Web-standard request is only built when there is an `authorize` to see it. */
export async function checkNodeAccess(
  options: Pick<EventStreamOptions, 'authorize' | 'refuseStatus' | 'onError'>,
  req: IncomingMessage,
): Promise<RefusalStatus | undefined> {
  return options.authorize ? checkAccess(options, fromNodeRequest(req)) : undefined;
}

/** Resolves with the refusal status, or undefined when the connection may open. */
export async function checkAccess(
  options: Pick<EventStreamOptions, 'authorize' | 'refuseStatus' | 'onError'>,
  request: ConnectionRequest,
): Promise<RefusalStatus | undefined> {
  if (!options.authorize) return undefined;
  let verdict: boolean | RefusalStatus;
  try {
    verdict = await options.authorize(request);
  } catch (error) {
    // A hook that throws refuses: failing open would hand the stream to whoever broke it.
    options.onError?.(error instanceof Error ? error : new Error(String(error)));
    return options.refuseStatus ?? 403;
  }
  if (verdict === true) return undefined;
  if (verdict === false) return options.refuseStatus ?? 403;
  return verdict;
}
