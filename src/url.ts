import { ConfigError } from './errors';

/** Resolves `input` against the page, as EventSource does, or throws an error that says what to pass instead. */
export function resolveUrl(
  input: string | URL,
  base: string | undefined = (globalThis as { document?: Document }).document?.baseURI ??
    (globalThis as { location?: Location }).location?.href,
): URL {
  try {
    return new URL(input, base);
  } catch {
    throw new ConfigError(
      `invalid URL ${JSON.stringify(String(input))}` +
        (base ? '' : ' (relative URL needs a page: pass an absolute one)'),
    );
  }
}

/**
 * Sets the last event id as the query parameter `param` of `url`, replacing any value already there,
 * so a resumed request names it exactly once; an empty id or a null `param` leaves it alone. Returns the href.
 */
export function withLastEventId(url: URL, param: string | null, lastEventId: string): string {
  if (param !== null && lastEventId) url.searchParams.set(param, lastEventId);
  return url.href;
}

/** The ws(s) href for an http(s) one (a resolved href: its scheme is lower case); ws and wss pass through. */
export const toWebSocketUrl = (href: string): string => href.replace(/^http/, 'ws');
