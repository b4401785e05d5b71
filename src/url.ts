/** Pure URL helpers. */

/** The page's base URL, if there is a page (EventSource resolves relative URLs against it). */
export function pageBaseUrl(): string | undefined {
  const doc = (globalThis as { document?: { baseURI?: string } }).document;
  const loc = (globalThis as { location?: { href?: string } }).location;
  return doc?.baseURI ?? loc?.href;
}

/** Resolves `input` against the page, or throws an error that says what to pass instead. */
export function resolveUrl(input: string | URL, base: string | undefined = pageBaseUrl()): URL {
  try {
    return new URL(String(input), base);
  } catch {
    throw new TypeError(
      `ResilientEventSource: invalid URL ${JSON.stringify(String(input))}` +
        (base ? '' : ' (a relative URL needs a page to resolve against: pass an absolute http(s) URL)'),
    );
  }
}

/**
 * Puts the last event id into the query parameter `param`, replacing any value already there,
 * so a resumed request names it exactly once. An empty id leaves the URL as it is.
 */
export function withLastEventId(url: URL, param: string | null, lastEventId: string): string {
  if (param === null || lastEventId === '') return url.href;
  const copy = new URL(url.href);
  copy.searchParams.set(param, lastEventId);
  return copy.href;
}

/** The WebSocket URL for an http(s) one (ws and wss URLs pass through). */
export function toWebSocketUrl(url: URL): URL {
  const copy = new URL(url.href);
  if (copy.protocol === 'http:') copy.protocol = 'ws:';
  else if (copy.protocol === 'https:') copy.protocol = 'wss:';
  return copy;
}
