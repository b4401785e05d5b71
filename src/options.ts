import { configError } from './errors';
import type { ResilientEventSourceOptions, TransportOption, WebSocketFallbackOptions } from './types';

export type Settings = ReturnType<typeof settingsFrom>;

const TRANSPORTS: readonly TransportOption[] = ['auto', 'native', 'polyfill', 'fetch', 'websocket'];

const PARSERS = { json: JSON.parse, text: (raw: string) => raw };

const fail = (message: string): never => {
  throw configError(message);
};

/** [default, min, max] of a numeric option. */
type Range = [fallback: number, min: number, max?: number];

/** The numbers `ranges` names, read from `given` (under `prefix` in messages): checked, or defaulted when absent. */
function numbers<Key extends string>(prefix: string, given: object | null | undefined, ranges: Record<Key, Range>): Record<Key, number> {
  const result = {} as Record<Key, number>;
  for (const key in ranges) {
    const [fallback, min, max = Infinity] = ranges[key];
    let value = (given as Partial<Record<Key, unknown>> | null | undefined)?.[key];
    if (value === undefined) value = fallback;
    if (typeof value !== 'number' || !(value >= min && value <= max)) {
      fail(`${prefix}${key} must be a number from ${min} to ${max}, got ${String(value)}`);
    }
    result[key] = value as number;
  }
  return result;
}

/** Applies every default and checks every value once, at construction, with messages that name the fix. */
export function settingsFrom(options: ResilientEventSourceOptions) {
  if (options === null || typeof options !== 'object') fail('options must be an object');
  const { parse = 'json', reconnect, websocket, heartbeatEvent, lastEventIdParam, dedupe } = options;
  const transport = options.transport ?? 'auto';
  if (!TRANSPORTS.includes(transport)) fail(`unknown transport ${JSON.stringify(transport)}; use one of ${TRANSPORTS.join(', ')}`);
  const method = (options.method ?? 'GET').toUpperCase();
  const sendsBody = method !== 'GET' || options.body != null;
  const needsRequestControl = sendsBody || options.headers !== undefined;
  if (transport === 'native' ? needsRequestControl : transport === 'polyfill' && sendsBody) {
    fail(
      (transport === 'native'
        ? 'native EventSource cannot send headers, a method or a body'
        : 'event-source-polyfill only sends GET without a body') + ": use transport 'fetch'",
    );
  }
  const { initialDelay } = numbers('reconnect.', reconnect, { initialDelay: [1000, 0] });
  const param = lastEventIdParam === undefined ? 'lastEventId' : lastEventIdParam;
  if (param !== null && (typeof param !== 'string' || !param)) {
    fail('lastEventIdParam must be a non-empty string, or null for no query parameter');
  }
  return {
    ...options,
    transport,
    method,
    needsRequestControl,
    withCredentials: options.withCredentials ?? false,
    lastEventId: String(options.lastEventId ?? ''),
    lastEventIdParam: param,
    heartbeatEvent: heartbeatEvent === undefined ? 'heartbeat' : heartbeatEvent,
    parse:
      typeof parse === 'function'
        ? parse
        : ((PARSERS[parse] as ((raw: string) => unknown) | undefined) ??
          fail(`parse must be 'json', 'text' or a function, got ${JSON.stringify(parse)}`)),
    reconnect: {
      initialDelay,
      ...numbers('reconnect.', reconnect, {
        maxDelay: [Math.max(30_000, initialDelay), initialDelay],
        factor: [2, 1],
        jitter: [0.5, 0, 1],
        maxAttempts: [Infinity, 1],
        resetAfter: [5000, 0],
      }),
    },
    ...numbers('', options, { heartbeatTimeout: [45_000, 0, 2 ** 31 - 1] }),
    // true = a window of 100 ids
    dedupe: Math.floor(numbers('', { dedupe: dedupe === true ? 100 : dedupe === false ? 0 : dedupe }, { dedupe: [0, 0] }).dedupe),
    websocket: websocket ? websocketSettings(websocket) : undefined,
  };
}

function websocketSettings(websocket: WebSocketFallbackOptions) {
  const { url } = websocket;
  if (typeof url !== 'string' && typeof url !== 'function' && !(url instanceof URL)) {
    fail('websocket.url must be a ws(s) or http(s) URL, or a function returning one');
  }
  return { ...websocket, ...numbers('websocket.', websocket, { after: [2, 1], returnToSseAfter: [60_000, 0] }) };
}
