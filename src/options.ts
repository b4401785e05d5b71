import type { BackoffSettings } from './backoff';
import { ConfigError } from './errors';
import type {
  EventSourceConstructor,
  HeadersInput,
  ResilientEventSourceOptions,
  TransportOption,
  UrlInput,
} from './types';

/** The reconnect options with every default applied. */
export interface ReconnectSettings extends BackoffSettings {
  maxAttempts: number;
  resetAfter: number;
}

/** The WebSocket fallback options with every default applied. */
export interface WebSocketSettings {
  url: UrlInput;
  protocols?: string | string[];
  after: number;
  returnToSseAfter: number;
}

/** The options after checks and defaults: what the rest of the SDK reads (see types.ts for each meaning). */
export interface Settings {
  transport: TransportOption;
  headers?: HeadersInput;
  withCredentials: boolean;
  /** Upper-cased. */
  method: string;
  body?: BodyInit | null;
  /** Headers, a method other than GET or a body were asked for: native EventSource cannot send them. */
  needsRequestControl: boolean;
  heartbeatTimeout: number;
  heartbeatEvent: string | null;
  reconnect: ReconnectSettings;
  lastEventId: string;
  lastEventIdParam: string | null;
  parse: (raw: string, type: string) => unknown;
  /** The size of the window of recent ids; 0 = off. */
  dedupe: number;
  websocket?: WebSocketSettings;
  EventSource?: EventSourceConstructor;
  WebSocket?: typeof WebSocket;
  fetch?: typeof fetch;
}

const TRANSPORTS: readonly TransportOption[] = ['auto', 'native', 'polyfill', 'fetch', 'websocket'];

const PARSERS = { json: JSON.parse, text: (raw: string) => raw };

const fail = (message: string): never => {
  throw new ConfigError(message);
};

/** [default, min, max] of a numeric option. */
type Range = [fallback: number, min: number, max?: number];

/** setTimeout treats longer delays (and Infinity) as 0: a tight loop instead of a long wait. */
const MAX_TIMER = 2 ** 31 - 1;

/** The numbers `ranges` names, read from `values` (named `prefix` + key in messages): checked, or defaulted when absent. */
function numbers<Key extends string>(
  prefix: string,
  values: object | null | undefined,
  ranges: Record<Key, Range>,
): Record<Key, number> {
  const result = {} as Record<Key, number>;
  for (const key in ranges) {
    const [fallback, min, max = Infinity] = ranges[key];
    let value = (values as Partial<Record<Key, unknown>> | null | undefined)?.[key];
    if (value === undefined) value = fallback;
    if (typeof value !== 'number' || !(value >= min && value <= max)) {
      fail(`${prefix}${key} must be a number from ${min} to ${max}, got ${String(value)}`);
    }
    result[key] = value as number;
  }
  return result;
}

/** Applies every default and checks every value once, at construction, with messages that name the fix. */
export function settingsFrom(options: ResilientEventSourceOptions): Settings {
  if (options === null || typeof options !== 'object') fail('options must be an object');
  const {
    reconnect,
    websocket,
    dedupe,
    parse = 'json',
    heartbeatEvent = 'heartbeat',
    lastEventIdParam = 'lastEventId',
  } = options;
  const transport = options.transport ?? 'auto';
  if (!TRANSPORTS.includes(transport))
    fail(`unknown transport ${JSON.stringify(transport)}; use one of ${TRANSPORTS.join(', ')}`);
  const method = (options.method ?? 'GET').toUpperCase();
  const sendsBody = method !== 'GET' || options.body != null;
  const needsRequestControl = sendsBody || options.headers !== undefined;
  if (transport === 'native' && needsRequestControl) {
    fail("native EventSource sends no headers, method or body: use transport 'fetch'");
  }
  if (transport === 'polyfill' && sendsBody) fail("polyfill only sends GET without a body: use transport 'fetch'");
  if (lastEventIdParam !== null && (typeof lastEventIdParam !== 'string' || !lastEventIdParam)) {
    fail('lastEventIdParam must be a non-empty string, or null');
  }
  const { initialDelay } = numbers('reconnect.', reconnect, { initialDelay: [1000, 0, MAX_TIMER] });
  if (transport === 'websocket' && !websocket) fail("transport 'websocket' needs websocket: { url }");
  const url = websocket?.url;
  if (websocket && typeof url !== 'string' && typeof url !== 'function' && !(url instanceof URL)) {
    fail('websocket.url must be a URL or a function');
  }
  return {
    transport,
    headers: options.headers,
    body: options.body,
    EventSource: options.EventSource,
    WebSocket: options.WebSocket,
    fetch: options.fetch,
    method,
    needsRequestControl,
    heartbeatEvent,
    lastEventIdParam,
    withCredentials: options.withCredentials ?? false,
    lastEventId: String(options.lastEventId ?? ''),
    parse:
      typeof parse === 'function'
        ? parse
        : ((PARSERS[parse] as ((raw: string) => unknown) | undefined) ??
          fail(`parse must be 'json', 'text' or a function, got ${JSON.stringify(parse)}`)),
    reconnect: {
      initialDelay,
      ...numbers('reconnect.', reconnect, {
        maxDelay: [Math.max(30_000, initialDelay), initialDelay, MAX_TIMER],
        factor: [2, 1],
        jitter: [0.5, 0, 1],
        maxAttempts: [Infinity, 1],
        resetAfter: [5000, 0, MAX_TIMER],
      }),
    },
    ...numbers(
      '',
      // dedupe: true is a window of 100 ids
      { heartbeatTimeout: options.heartbeatTimeout, dedupe: dedupe === true ? 100 : dedupe === false ? 0 : dedupe },
      { heartbeatTimeout: [45_000, 0, MAX_TIMER], dedupe: [0, 0] },
    ),
    websocket: websocket
      ? {
          url: websocket.url,
          protocols: websocket.protocols,
          ...numbers('websocket.', websocket, { after: [2, 1], returnToSseAfter: [60_000, 0, MAX_TIMER] }),
        }
      : undefined,
  };
}
