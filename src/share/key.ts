import { ConfigError } from '../errors';
import type { ResilientEventSourceOptions, UrlInput } from '../types';
import { resolveUrl } from '../url';

/**
 * The name tabs share a connection under (and `persist` stores the last id under): `share.key`, or the
 * resolved URL with every option that changes what goes on the wire. Options that only change what a tab
 * does with an event (parse, listeners) stay out, so tabs that differ only there still share.
 */
export function shareKey(url: UrlInput, options: ResilientEventSourceOptions): string {
  const { share } = options;
  if (typeof share === 'object' && share.key) return share.key;
  if (typeof url === 'function') throw new ConfigError('share or persist with a function URL needs share: { key }');
  const { headers, body, websocket } = options;
  return JSON.stringify([
    resolveUrl(url).href,
    options.transport ?? 'auto',
    (options.method ?? 'GET').toUpperCase(),
    typeof headers === 'function' ? 'function' : (headers ?? null),
    typeof body === 'string' ? body : body == null ? null : 'body',
    options.withCredentials ?? false,
    options.lastEventIdParam === undefined ? 'lastEventId' : options.lastEventIdParam,
    websocket ? (typeof websocket.url === 'function' ? 'function' : String(websocket.url)) : null,
  ]);
}
