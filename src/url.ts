import { configError } from './errors';

/** Resolves `input` against the page, as EventSource does, or throws an error that says what to pass instead. */
export function resolveUrl(
  input: string | URL,
  base: string | undefined = (globalThis as { document?: Document }).document?.baseURI ??
    (globalThis as { location?: Location }).location?.href,
): URL {
  try {
    return new URL(input, base);
  } catch {
    throw configError(
      `invalid URL ${JSON.stringify(String(input))}` + (base ? '' : ' (a relative URL needs a page: pass an absolute one)'),
    );
  }
}

/**
 * Puts the last event id into the query parameter `param`, replacing any value already there,
 * so a resumed request names it exactly once. An empty id or a null `param` leaves the URL as it is.
 */
export function withLastEventId(url: URL, param: string | null, lastEventId: string): string {
  const copy = new URL(url);
  if (param !== null && lastEventId) copy.searchParams.set(param, lastEventId);
  return copy.href;
}

/** The WebSocket URL for an http(s) one (ws and wss URLs pass through). */
export function toWebSocketUrl(url: URL): URL {
  const copy = new URL(url);
  copy.protocol = copy.protocol.replace(/^http/, 'ws');
  return copy;
}
