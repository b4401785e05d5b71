/** One measured run: a throughput blast or a stall-and-recover, timed with performance.now(). */
import type { StallRun, Variant } from '../config';
import { openClient, type Close, type Endpoints, type OpenOptions } from './clients';

export interface ThroughputRun {
  /** Opening the source → its `count`-th event. */
  ms: number;
  /** Sum of the data bytes received (text runs) or events (JSON runs). */
  bytes: number;
}

/** Runs `body` until it calls `done`, or fails after `timeoutMs`; the client is always closed. */
function withClient<T>(
  variant: Variant,
  endpoints: Endpoints,
  options: OpenOptions,
  timeoutMs: number,
  onData: (data: unknown, done: (value: T) => void, fail: (error: unknown) => void) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let close: Close | undefined;
    let finished = false;
    const finish = (): void => {
      finished = true;
      clearTimeout(timer);
      close?.();
    };
    const done = (value: T): void => {
      if (finished) return;
      finish();
      resolve(value);
    };
    const fail = (error: unknown): void => {
      if (finished) return;
      finish();
      reject(error instanceof Error ? error : new Error(describe(error)));
    };
    const timer = setTimeout(() => fail(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
    try {
      close = openClient(variant, endpoints, options, (data) => !finished && onData(data, done, fail), fail);
      if (finished) close();
    } catch (error) {
      fail(error);
    }
  });
}

/** Receives `count` events; checks every one arrived, in order. */
export function throughput(
  variant: Variant,
  endpoints: Endpoints,
  shape: 'tiny' | 'big',
  count: number,
  timeoutMs: number,
): Promise<ThroughputRun> {
  let received = 0;
  let bytes = 0;
  const start = performance.now();
  return withClient<ThroughputRun>(
    variant,
    endpoints,
    { parse: shape === 'tiny' ? 'json' : 'text' },
    timeoutMs,
    (data, done, fail) => {
      const index = shape === 'tiny' ? (data as { i: number }).i : parseInt(data as string, 10);
      if (index !== received) return fail(new Error(`event ${received} arrived as ${index}: lost or reordered`));
      if (shape === 'big') bytes += (data as string).length;
      if (++received === count) done({ ms: performance.now() - start, bytes });
    },
  );
}

/** Lead events, a silence the client must detect, then the first event of its new connection. */
export function stall(
  variant: Variant,
  endpoints: Endpoints,
  options: Omit<OpenOptions, 'parse'>,
  timeoutMs: number,
): Promise<StallRun> {
  const start = performance.now();
  let first = 0;
  let last = 0;
  return withClient<StallRun>(variant, endpoints, { parse: 'json', ...options }, timeoutMs, (data, done) => {
    const now = performance.now();
    if ((data as { resumed?: number }).resumed === undefined) {
      if (!first) first = now;
      last = now;
      return;
    }
    done({ connectMs: first - start, recoverMs: now - last });
  });
}

export function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (error instanceof Event) return `${error.type} event`;
  return String(error);
}
