/**
 * Where the time goes: runs one client alone in the bench page under the V8 sampling profiler
 * and prints self time by function. Not part of `npm run bench` (profiling slows the page);
 * run it as `npx tsx bench/profile.ts [variant …] [--big] [--runs=N]`.
 */
import { basename } from 'node:path';
import { benchAssets } from './assets.js';
import { launchChromium } from './chromium.js';
import { CONFIG, type Variant } from './config.js';
import { startBenchServer } from './server.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const args = process.argv.slice(2);
const shape = args.includes('--big') ? 'big' : 'tiny';
const runs = Number(args.find((arg) => arg.startsWith('--runs='))?.split('=')[1]) || 3;
const variants = args.filter((arg) => !arg.startsWith('--')) as Variant[];
const TOP = 22;

function where(frame: ProfileNode['callFrame']): string {
  if (!frame.url) return '';
  return `${basename(new URL(frame.url).pathname)}:${frame.lineNumber + 1}`;
}

/** Self time (ms) per function, and per script, from the sampled profile. */
function selfTimes(profile: Profile): { byFunction: [string, number][]; byScript: [string, number][]; total: number } {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const byFunction = new Map<string, number>();
  const byScript = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const node = nodes.get(id);
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    if (!node) return;
    const frame = node.callFrame;
    if (frame.functionName === '(idle)') return;
    total += ms;
    const name = `${frame.functionName || '(anonymous)'} ${where(frame)}`.trim();
    byFunction.set(name, (byFunction.get(name) ?? 0) + ms);
    const script = frame.url
      ? basename(new URL(frame.url).pathname)
      : frame.functionName.startsWith('(')
        ? frame.functionName
        : '(native: DOM, builtins)';
    byScript.set(script, (byScript.get(script) ?? 0) + ms);
  });
  const sorted = (map: Map<string, number>): [string, number][] => [...map].sort((a, b) => b[1] - a[1]);
  return { byFunction: sorted(byFunction), byScript: sorted(byScript), total };
}

async function profileOne(variant: Variant): Promise<void> {
  const server = await startBenchServer({ assets: await benchAssets(true), config: CONFIG, onLog: () => {} });
  const chromium = await launchChromium();
  try {
    const targetId = await chromium.open('about:blank');
    const { sessionId } = await chromium.send<{ sessionId: string }>('Target.attachToTarget', {
      targetId,
      flatten: true,
    });
    await chromium.send('Profiler.enable', {}, sessionId);
    await chromium.send('Profiler.setSamplingInterval', { interval: 50 }, sessionId);
    await chromium.send('Profiler.start', {}, sessionId);
    await chromium.send(
      'Page.navigate',
      { url: `${server.url}/?profile=${variant}&shape=${shape}&runs=${runs}` },
      sessionId,
    );
    const result = (await server.results) as { rates: number[] };
    const { profile } = await chromium.send<{ profile: Profile }>('Profiler.stop', {}, sessionId);
    const { byFunction, byScript, total } = selfTimes(profile);
    const unit = shape === 'big' ? 'MB/s' : 'events/s';
    console.log(
      `\n## ${variant}, ${shape} events, ${runs} runs under the profiler: ${result.rates.map((r) => Math.round(r)).join(', ')} ${unit}`,
    );
    console.log(
      `busy ${total.toFixed(0)} ms; by script: ${byScript.map(([name, ms]) => `${name} ${((100 * ms) / total).toFixed(1)}%`).join(', ')}`,
    );
    for (const [name, ms] of byFunction.slice(0, TOP))
      console.log(`  ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${ms.toFixed(1).padStart(8)} ms  ${name}`);
  } finally {
    await chromium.close();
    await server.close();
  }
}

async function main(): Promise<void> {
  const list: Variant[] = variants.length
    ? variants
    : ['native', 'ours-native', 'polyfill', 'ours-polyfill', 'fetch-event-source', 'ours-fetch'];
  for (const variant of list) await profileOne(variant);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
