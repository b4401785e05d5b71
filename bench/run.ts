/**
 * `npm run bench`: serves the bench page, runs it in a Chromium we launched ourselves, then
 * measures bundle sizes and writes the report. Exits non-zero only when the harness fails
 * (page error, timeout, an anchor failing); a missed goal is reported, not fatal.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { at, benchAssets } from './assets.js';
import { launchChromium, type Chromium } from './chromium.js';
import { CONFIG, type BenchConfig, type PageResults, type Variant } from './config.js';
import { renderMarkdown, summarize, type Environment } from './report.js';
import { startBenchServer, type BenchServer } from './server.js';
import { measureSizes } from './sizes.js';

const root = at('.');
/** The whole page run; the default configuration takes about three minutes. */
const PAGE_TIMEOUT_MS = 8 * 60_000;

const UMD = at('dist/resilient-eventsource.umd.min.js');

/** BENCH_ROUNDS=2 for a quick look while working on the bench itself. */
const config: BenchConfig = { ...CONFIG, rounds: Number(process.env.BENCH_ROUNDS) || CONFIG.rounds };

/** The commit measured, and whether src/ had uncommitted changes (the build comes from the working tree). */
function sourceState(): string {
  try {
    const git = (...args: string[]): string => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
    const dirty = git('status', '--porcelain', '--', 'src') !== '';
    return `${git('rev-parse', '--short', 'HEAD')}${dirty ? ' + uncommitted src/ changes' : ''}`;
  } catch {
    return 'unknown commit';
  }
}

function startedAt(): string {
  return new Date()
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Anchors must work, or the comparison means nothing: that is a harness failure. */
function anchorFailures(results: PageResults): string[] {
  const anchors = new Set<Variant>(['native', 'polyfill', 'fetch-event-source', 'websocket']);
  return Object.entries(results.errors)
    .filter(([key]) => anchors.has(key.split('/')[1] as Variant))
    .map(([key, message]) => `${key}: ${message}`);
}

async function main(): Promise<void> {
  if (!existsSync(UMD) || !existsSync(at('dist/index.mjs')))
    throw new Error('dist/ is missing: run `npm run build` first');
  const date = startedAt();
  const source = sourceState();
  // Both read dist/ now, before the page runs, so they describe the same build.
  const assets = await benchAssets();
  const sizes = await measureSizes(root);

  let server: BenchServer | undefined;
  let chromium: Chromium | undefined;
  let results: PageResults;
  const loadBefore = loadavg()[0] ?? 0;
  try {
    server = await startBenchServer({
      config,
      onLog: (line) => console.log(`  ${line}`),
      assets,
    });
    chromium = await launchChromium();
    console.log(`bench: ${chromium.product} on ${server.url}`);
    await chromium.open(`${server.url}/`);
    results = (await within(server.results, PAGE_TIMEOUT_MS, 'the bench page')) as PageResults;
  } finally {
    await chromium?.close();
    await server?.close();
  }

  const loadAfter = loadavg()[0] ?? 0;
  const env: Environment = {
    date,
    source,
    chromium: (chromium?.product ?? '').replace(/^HeadlessChrome\//, 'Chromium ').replace(/^Chrome\//, 'Chromium '),
    machine: `${availableParallelism()} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'})`,
    node: process.version,
    load: [loadBefore, loadAfter],
  };
  const summary = summarize(results, config);
  const markdown = renderMarkdown(env, config, results, summary, sizes);

  await mkdir(at('bench-results'), { recursive: true });
  await writeFile(
    at('bench-results/latest.json'),
    `${JSON.stringify({ env, config, results, summary, sizes }, null, 2)}\n`,
  );
  await writeFile(at('bench/RESULTS.md'), markdown);
  console.log(`\n${markdown}`);
  console.log('written: bench/RESULTS.md, bench-results/latest.json');

  const broken = anchorFailures(results);
  if (broken.length) throw new Error(`anchors failed, so the comparison is void:\n  ${broken.join('\n  ')}`);
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
