/**
 * The bench page's runner: the whole benchmark runs here, in a page no driver instruments,
 * and reports progress and results to the bench server by POST.
 */
import type { BenchConfig, PageResults, Variant } from '../config';
import type { Endpoints } from './clients';
import { describe, stall, throughput } from './measure';

const post = (path: string, body: unknown): Promise<unknown> =>
  fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

const log = (line: string): Promise<unknown> => post('/log', line);

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Between runs: let sockets close and collect the previous run's garbage (gc() exists with --expose-gc). */
async function settle(ms: number): Promise<void> {
  await pause(ms);
  (globalThis as { gc?: () => void }).gc?.();
  await pause(ms);
}

let sessions = 0;
function endpoints(kind: string, query: string): Endpoints {
  const ws = location.origin.replace(/^http/, 'ws');
  return { sse: `/sse/${kind}?${query}`, ws: `${ws}/ws/${kind}?${query}` };
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

async function ping(results: PageResults): Promise<void> {
  for (let i = 0; i < 15; i++) {
    const start = performance.now();
    await (await fetch('/ping', { cache: 'no-store' })).text();
    results.pingMs.push(performance.now() - start);
  }
}

/**
 * Rounds of every variant in turn (A B C A B C …). A variant that fails stops for the rest of
 * the section, the error recorded; the others carry on.
 */
async function section<T>(
  name: string,
  config: BenchConfig,
  variants: Variant[],
  warmup: number,
  run: (variant: Variant) => Promise<T>,
  record: (variant: Variant, value: T) => string,
  errors: Record<string, string>,
): Promise<void> {
  const total = warmup + config.rounds;
  for (let round = 0; round < total; round++) {
    const line: string[] = [];
    for (const variant of variants) {
      const key = `${name}/${variant}`;
      if (errors[key]) continue;
      try {
        const value = await run(variant);
        line.push(round < warmup ? `${variant} (warm-up)` : `${variant} ${record(variant, value)}`);
      } catch (error) {
        errors[key] = describe(error);
        line.push(`${variant} FAILED: ${errors[key]}`);
      }
      await settle(config.pauseMs);
    }
    await log(
      `${name} ${round < warmup ? 'warm-up round' : `round ${round + 1 - warmup}/${config.rounds}`}: ${line.join(', ')}`,
    );
  }
}

/** `?profile=<variant>&shape=tiny|big&runs=N`: that client alone, for bench/profile.ts to sample. */
async function profileOnly(config: BenchConfig, variant: Variant, shape: 'tiny' | 'big', runs: number): Promise<void> {
  const count =
    shape === 'big' ? config.big.count : variant.endsWith('websocket') ? config.tiny.websocketCount : config.tiny.count;
  const rates: number[] = [];
  for (let i = 0; i < runs; i++) {
    const run = await throughput(variant, endpoints(shape, `n=${count}`), shape, count, config.runTimeoutMs);
    rates.push(shape === 'big' ? run.bytes / 1e6 / (run.ms / 1000) : count / (run.ms / 1000));
    await settle(config.pauseMs);
  }
  await post('/results', { variant, shape, rates });
}

async function main(): Promise<void> {
  const config = (await (await fetch('/config.json')).json()) as BenchConfig;
  const params = new URLSearchParams(location.search);
  const only = params.get('profile') as Variant | null;
  if (only)
    return profileOnly(config, only, params.get('shape') === 'big' ? 'big' : 'tiny', Number(params.get('runs')) || 3);
  const results: PageResults = {
    userAgent: navigator.userAgent,
    visibility: document.visibilityState,
    pingMs: [],
    tiny: {},
    big: {},
    stall: {},
    errors: {},
  };
  await log(`page up (${document.visibilityState}); ${config.rounds} rounds per section`);
  await ping(results);

  const { tiny, big } = config;
  const tinyCount = (variant: Variant): number => (variant.endsWith('websocket') ? tiny.websocketCount : tiny.count);
  await section(
    'tiny',
    config,
    tiny.variants,
    config.warmupRounds,
    (variant) =>
      throughput(
        variant,
        endpoints('tiny', `n=${tinyCount(variant)}`),
        'tiny',
        tinyCount(variant),
        config.runTimeoutMs,
      ),
    (variant, run) => {
      const rate = tinyCount(variant) / (run.ms / 1000);
      (results.tiny[variant] ??= []).push(rate);
      return `${Math.round(rate)}/s`;
    },
    results.errors,
  );
  await section(
    'big',
    config,
    big.variants,
    config.warmupRounds,
    (variant) => throughput(variant, endpoints('big', `n=${big.count}`), 'big', big.count, config.runTimeoutMs),
    (variant, run) => {
      const rate = run.bytes / 1e6 / (run.ms / 1000);
      (results.big[variant] ??= []).push(rate);
      return `${rate.toFixed(1)} MB/s`;
    },
    results.errors,
  );
  const { heartbeatTimeout, initialDelay } = config.stall;
  await section(
    'stall',
    config,
    config.stall.variants,
    0,
    (variant) => {
      const where = endpoints('stall', `session=${Date.now()}-${++sessions}`);
      return stall(variant, where, { heartbeatTimeout, initialDelay }, config.runTimeoutMs);
    },
    (variant, run) => {
      (results.stall[variant] ??= []).push(run);
      return `recovered in ${run.recoverMs.toFixed(1)} ms (connect ${run.connectMs.toFixed(1)})`;
    },
    results.errors,
  );
  await log(`ping median ${median(results.pingMs).toFixed(2)} ms`);
  await post('/results', results);
}

main().catch((error: unknown) => post('/fail', { error: describe(error) }));
