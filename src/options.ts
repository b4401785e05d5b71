import type { BackoffSettings } from './backoff';
import type {
  HeadersInput,
  ParseOption,
  ResilientEventSourceOptions,
  TransportOption,
  UrlInput,
  WebSocketFallbackOptions,
} from './types';

/** Options with every default applied and every value checked. */
export interface Settings {
  transport: TransportOption;
  headers: HeadersInput | undefined;
  withCredentials: boolean;
  method: string;
  body: BodyInit | null | undefined;
  heartbeatTimeout: number;
  heartbeatEvent: string | null;
  backoff: BackoffSettings;
  maxAttempts: number;
  resetAfter: number;
  lastEventId: string;
  lastEventIdParam: string | null;
  parse: (raw: string, type: string) => unknown;
  dedupe: number;
  websocket: Required<Omit<WebSocketFallbackOptions, 'protocols'>> & { protocols: string | string[] | undefined } | undefined;
}

const TRANSPORTS: readonly TransportOption[] = ['auto', 'native', 'polyfill', 'fetch', 'websocket'];
const DEFAULT_DEDUPE_WINDOW = 100;

const fail = (message: string): never => {
  throw new TypeError(`ResilientEventSource: ${message}`);
};

function number(name: string, value: number | undefined, fallback: number, min: number, max = Infinity): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value) || value < min || value > max) {
    fail(`${name} must be a number from ${min} to ${max}, got ${String(value)}`);
  }
  return value;
}

const parsers: Record<'json' | 'text', (raw: string) => unknown> = {
  json: (raw) => JSON.parse(raw),
  text: (raw) => raw,
};

function parser(parse: ParseOption | undefined): Settings['parse'] {
  if (parse === undefined) return parsers.json;
  if (typeof parse === 'function') return parse;
  return parsers[parse] ?? fail(`parse must be 'json', 'text' or a function, got ${JSON.stringify(parse)}`);
}

/** Checks the options once, at construction, with messages that name the fix. */
export function settingsFrom(options: ResilientEventSourceOptions): Settings {
  if (options === null || typeof options !== 'object') fail('options must be an object');
  const transport = options.transport ?? 'auto';
  if (!TRANSPORTS.includes(transport)) {
    fail(`unknown transport ${JSON.stringify(transport)}; use one of ${TRANSPORTS.join(', ')}`);
  }
  const method = (options.method ?? 'GET').toUpperCase();
  const wantsRequestControl = options.headers !== undefined || method !== 'GET' || options.body != null;
  if (wantsRequestControl && transport === 'native') {
    fail("native EventSource cannot send headers, a method or a body: use transport 'fetch' (or 'polyfill' for headers), or 'auto'");
  }
  if (wantsRequestControl && transport === 'polyfill' && (method !== 'GET' || options.body != null)) {
    fail("event-source-polyfill only sends GET without a body: use transport 'fetch'");
  }
  const reconnect = options.reconnect ?? {};
  const initialDelay = number('reconnect.initialDelay', reconnect.initialDelay, 1000, 0);
  const maxDelay = number('reconnect.maxDelay', reconnect.maxDelay, Math.max(30_000, initialDelay), initialDelay);
  const lastEventIdParam = options.lastEventIdParam === undefined ? 'lastEventId' : options.lastEventIdParam;
  if (lastEventIdParam !== null && (typeof lastEventIdParam !== 'string' || lastEventIdParam === '')) {
    fail('lastEventIdParam must be a non-empty string, or null for no query parameter');
  }
  const dedupe = options.dedupe === true ? DEFAULT_DEDUPE_WINDOW : options.dedupe === false ? 0 : options.dedupe;
  return {
    transport,
    headers: options.headers,
    withCredentials: options.withCredentials ?? false,
    method,
    body: options.body,
    heartbeatTimeout: number('heartbeatTimeout', options.heartbeatTimeout, 45_000, 0, 2 ** 31 - 1),
    heartbeatEvent: options.heartbeatEvent === undefined ? 'heartbeat' : options.heartbeatEvent,
    backoff: {
      initialDelay,
      maxDelay,
      factor: number('reconnect.factor', reconnect.factor, 2, 1),
      jitter: number('reconnect.jitter', reconnect.jitter, 0.5, 0, 1),
    },
    maxAttempts: number('reconnect.maxAttempts', reconnect.maxAttempts, Infinity, 1),
    resetAfter: number('reconnect.resetAfter', reconnect.resetAfter, 5000, 0),
    lastEventId: String(options.lastEventId ?? ''),
    lastEventIdParam,
    parse: parser(options.parse),
    dedupe: Math.floor(number('dedupe', dedupe, 0, 0)),
    websocket: options.websocket && websocketSettings(options.websocket),
  };
}

function websocketSettings(ws: WebSocketFallbackOptions): NonNullable<Settings['websocket']> {
  if (!isUrlInput(ws.url)) fail('websocket.url must be a ws(s) or http(s) URL, or a function returning one');
  return {
    url: ws.url,
    protocols: ws.protocols,
    after: number('websocket.after', ws.after, 2, 1),
    returnToSseAfter: number('websocket.returnToSseAfter', ws.returnToSseAfter, 60_000, 0),
  };
}

export const isUrlInput = (url: unknown): url is UrlInput =>
  typeof url === 'string' || typeof url === 'function' || url instanceof URL;
