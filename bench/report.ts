/** Turns raw runs into medians, paired ratios and goal checks, and renders them as markdown. */
import type { BenchConfig, PageResults, StallRun, Variant } from './config.js';
import type { SizeRow } from './sizes.js';

export interface Environment {
  date: string;
  /** The commit measured (the dist/ build of its working tree). */
  source: string;
  chromium: string;
  machine: string;
  node: string;
  /** 1-minute load average before and after the page run: other work on the machine shows here. */
  load: [number, number];
}

export interface Stats {
  median: number;
  min: number;
  max: number;
  runs: number;
}

export interface StallStats {
  /** heartbeatTimeout + reconnect delay + the median connect time of this client */
  floorMs: number;
  recover: Stats;
  /** recover − floor, per run */
  over: Stats;
  connect: Stats;
}

/** One of ours against its anchor, run by run. */
export interface Comparison {
  variant: Variant;
  /** An anchor variant, or 'fastest' (the fastest SSE anchor of the same round). */
  against: Variant | 'fastest';
  /** The goal's minimum ratio, if this comparison has a goal. */
  min?: number;
  /** Median over rounds of ours ÷ anchor (same round). */
  ratio: Stats | undefined;
  /** In how many rounds the ratio reached `min`. */
  roundsMet: number;
  met: boolean | null;
}

export interface Goal {
  what: string;
  target: string;
  value: string;
  met: boolean | null;
}

export interface Summary {
  tiny: Partial<Record<Variant, Stats>>;
  big: Partial<Record<Variant, Stats>>;
  stall: Partial<Record<Variant, StallStats>>;
  comparisons: { tiny: Comparison[]; big: Comparison[] };
  /** Which anchor was fastest in each tiny round. */
  fastestTiny: Variant[];
  goals: Goal[];
}

export const LABELS: Record<Variant, string> = {
  native: 'bare native EventSource',
  polyfill: 'bare event-source-polyfill',
  'fetch-event-source': '@microsoft/fetch-event-source',
  websocket: 'bare WebSocket (one event per frame)',
  'ours-native': 'ours, transport native',
  'ours-polyfill': 'ours, transport polyfill',
  'ours-fetch': 'ours, transport fetch',
  'ours-websocket': 'ours, transport websocket',
};

const SSE_ANCHORS: Variant[] = ['native', 'polyfill', 'fetch-event-source'];

/** What each of ours is compared with, and the goal where the issue sets one. */
const COMPARE: Record<'tiny' | 'big', { variant: Variant; against: Variant | 'fastest'; min?: number }[]> = {
  tiny: [
    { variant: 'ours-native', against: 'native', min: 0.95 },
    { variant: 'ours-polyfill', against: 'polyfill', min: 0.9 },
    { variant: 'ours-fetch', against: 'fastest', min: 1.2 },
    { variant: 'ours-websocket', against: 'websocket' },
  ],
  big: [
    { variant: 'ours-native', against: 'native' },
    { variant: 'ours-polyfill', against: 'polyfill' },
    { variant: 'ours-fetch', against: 'native', min: 1.0 },
    { variant: 'ours-websocket', against: 'websocket' },
  ],
};

const STALL_SLACK_MS = 20;

/** A ratio goal holds when the median reaches it and so do at least this share of the rounds (4 of 5). */
const ROUNDS_SHARE = 0.8;

export function stats(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median =
    sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return { median, min: sorted[0] ?? NaN, max: sorted[sorted.length - 1] ?? NaN, runs: sorted.length };
}

/** The floor's round trip is the median of the client's own connect times: one slow connect must not move it. */
function stallStats(runs: StallRun[], heartbeatTimeout: number, delay: number): StallStats {
  const connect = stats(runs.map((run) => run.connectMs));
  const floorMs = heartbeatTimeout + delay + connect.median;
  return {
    floorMs,
    recover: stats(runs.map((run) => run.recoverMs)),
    over: stats(runs.map((run) => run.recoverMs - floorMs)),
    connect,
  };
}

/** The reconnect delay of a stall variant: ours use initialDelay, event-source-polyfill its own (clamped) retry. */
const stallDelay = (variant: Variant, config: BenchConfig): number =>
  variant.startsWith('ours-') ? config.stall.initialDelay : config.stall.polyfillRetry;

function mapStats<T, S>(runs: Partial<Record<Variant, T[]>>, of: (values: T[]) => S): Partial<Record<Variant, S>> {
  const out: Partial<Record<Variant, S>> = {};
  for (const [variant, values] of Object.entries(runs) as [Variant, T[]][])
    if (values.length) out[variant] = of(values);
  return out;
}

/** Per round, the highest rate among the SSE anchors (and which one it was). */
function fastestPerRound(runs: Partial<Record<Variant, number[]>>): { rates: number[]; who: Variant[] } {
  const rounds = Math.max(0, ...SSE_ANCHORS.map((variant) => runs[variant]?.length ?? 0));
  const rates: number[] = [];
  const who: Variant[] = [];
  for (let r = 0; r < rounds; r++) {
    let best: Variant | undefined;
    for (const variant of SSE_ANCHORS) {
      const rate = runs[variant]?.[r];
      if (rate !== undefined && (best === undefined || rate > (runs[best]?.[r] ?? 0))) best = variant;
    }
    if (best === undefined) break;
    rates.push(runs[best]?.[r] as number);
    who.push(best);
  }
  return { rates, who };
}

function compare(section: 'tiny' | 'big', runs: Partial<Record<Variant, number[]>>): Comparison[] {
  const fastest = fastestPerRound(runs).rates;
  return COMPARE[section].map(({ variant, against, min }) => {
    const ours = runs[variant] ?? [];
    const anchor = against === 'fastest' ? fastest : (runs[against] ?? []);
    const pairs = Math.min(ours.length, anchor.length);
    const ratios = Array.from({ length: pairs }, (_, r) => (ours[r] as number) / (anchor[r] as number));
    const ratio = pairs ? stats(ratios) : undefined;
    const roundsMet = min === undefined ? 0 : ratios.filter((value) => value >= min).length;
    const met =
      min === undefined
        ? null
        : ratio !== undefined && ratio.median >= min && roundsMet >= Math.ceil(ROUNDS_SHARE * pairs);
    return { variant, against, ...(min !== undefined ? { min } : {}), ratio, roundsMet, met };
  });
}

const modeOf = (values: Variant[]): Variant | undefined => {
  const counts = new Map<Variant, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
};

const againstText = (against: Variant | 'fastest', fastest: Variant[]): string =>
  against === 'fastest'
    ? `the fastest SSE anchor of each round (mostly ${LABELS[modeOf(fastest) ?? 'native']})`
    : LABELS[against];

export function summarize(results: PageResults, config: BenchConfig): Summary {
  const stall: Partial<Record<Variant, StallStats>> = {};
  for (const [variant, runs] of Object.entries(results.stall) as [Variant, StallRun[]][]) {
    if (runs.length) stall[variant] = stallStats(runs, config.stall.heartbeatTimeout, stallDelay(variant, config));
  }
  const comparisons = { tiny: compare('tiny', results.tiny), big: compare('big', results.big) };
  const fastestTiny = fastestPerRound(results.tiny).who;
  const goals: Goal[] = [];
  for (const section of ['tiny', 'big'] as const) {
    for (const c of comparisons[section]) {
      if (c.min === undefined) continue;
      goals.push({
        what: `${section === 'tiny' ? 'tiny events' : '64 KB events'}, ${LABELS[c.variant]}`,
        target: `≥ ${c.min}× ${againstText(c.against, fastestTiny)}, in the median and in ${Math.ceil(ROUNDS_SHARE * (c.ratio?.runs ?? 0))} of ${c.ratio?.runs ?? 0} rounds`,
        value: c.ratio ? `${c.ratio.median.toFixed(2)}× (${c.roundsMet} of ${c.ratio.runs} rounds)` : 'no result',
        met: c.met,
      });
    }
  }
  for (const variant of config.stall.variants) {
    if (!variant.startsWith('ours-')) continue;
    const over = stall[variant]?.over;
    goals.push({
      what: `stall recovery, ${LABELS[variant]}`,
      target: `≤ ${STALL_SLACK_MS} ms over the floor`,
      value: over ? `${over.median.toFixed(1)} ms over` : 'no result',
      met: over ? over.median <= STALL_SLACK_MS : false,
    });
  }
  return {
    tiny: mapStats(results.tiny, stats),
    big: mapStats(results.big, stats),
    stall,
    comparisons,
    fastestTiny,
    goals,
  };
}

// ---- markdown ---------------------------------------------------------------------------------

const mark = (met: boolean | null): string => (met === null ? '' : met ? '✓' : '✗');
const int = (value: number): string => Math.round(value).toLocaleString('en-US');
const ms = (value: number): string => value.toFixed(1);
const table = (head: string[], rows: string[][]): string =>
  [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');

function throughputTable(section: 'tiny' | 'big', summary: Summary, results: PageResults, config: BenchConfig): string {
  const unit = section === 'tiny' ? 'events/s' : 'MB/s';
  const show = section === 'tiny' ? int : (value: number): string => value.toFixed(1);
  const data = summary[section];
  const rows = config[section].variants.map((variant) => {
    const s = data[variant];
    const c = summary.comparisons[section].find((comparison) => comparison.variant === variant);
    const error = results.errors[`${section}/${variant}`];
    if (!s)
      return [LABELS[variant], error ? `failed: ${error}` : 'no result', '', '', '', c?.min !== undefined ? '✗' : ''];
    if (!c) return [LABELS[variant], show(s.median), `${show(s.min)} – ${show(s.max)}`, 'anchor', '', ''];
    const against = c.against === 'fastest' ? 'fastest anchor' : c.against;
    const ratio = c.ratio
      ? `${c.ratio.median.toFixed(2)}× ${against} (${c.ratio.min.toFixed(2)} – ${c.ratio.max.toFixed(2)})`
      : '–';
    return [
      LABELS[variant],
      show(s.median),
      `${show(s.min)} – ${show(s.max)}`,
      ratio,
      c.min !== undefined ? `≥ ${c.min}×` : '',
      mark(c.met),
    ];
  });
  return table(['client', `${unit} (median)`, 'min – max', 'ours ÷ anchor, same round (min – max)', 'goal', ''], rows);
}

function stallTable(summary: Summary, results: PageResults, config: BenchConfig): string {
  const rows = config.stall.variants.map((variant) => {
    const s = summary.stall[variant];
    const ours = variant.startsWith('ours-');
    const error = results.errors[`stall/${variant}`];
    const name = ours ? LABELS[variant] : `${LABELS[variant]} (its own heartbeat; reference)`;
    const delay = stallDelay(variant, config);
    if (!s) return [name, error ? `failed: ${error}` : 'no result', '', '', '', '', ours ? '✗' : ''];
    return [
      name,
      `${config.stall.heartbeatTimeout} + ${delay} + ${ms(s.connect.median)} = ${ms(s.floorMs)}`,
      ms(s.recover.median),
      `**${ms(s.over.median)}**`,
      `${ms(s.over.min)} – ${ms(s.over.max)}`,
      ours ? `≤ ${STALL_SLACK_MS}` : '',
      ours ? mark(s.over.median <= STALL_SLACK_MS) : '',
    ];
  });
  return table(
    [
      'client',
      'floor: heartbeat + delay + connect (ms)',
      'recovery (ms)',
      'over the floor (ms)',
      'over, min – max',
      'goal',
      '',
    ],
    rows,
  );
}

function sizeTable(sizes: SizeRow[]): string {
  return table(
    ['bundle', 'min+gzip (B)'],
    sizes.map((row) => [row.name, int(row.bytes)]),
  );
}

export function renderMarkdown(
  env: Environment,
  config: BenchConfig,
  results: PageResults,
  summary: Summary,
  sizes: SizeRow[],
): string {
  const { tiny, big, stall } = config;
  const ping = stats(results.pingMs);
  const errors = Object.entries(results.errors);
  return [
    '# Benchmarks',
    '',
    `${env.date} · commit ${env.source} · ${env.chromium}, headless · ${env.machine} · Node ${env.node} · loopback (127.0.0.1), fetch round trip ${ms(ping.median)} ms · load average ${env.load[0].toFixed(2)} before, ${env.load[1].toFixed(2)} after.`,
    '',
    `Chromium is launched by \`bench/chromium.ts\` and only asked, over a bare DevTools connection to the browser target, to open the page: no domain is enabled on the page, so no event or frame is reported back to a driver. The page runs everything itself and POSTs its results. Each figure is the median of ${config.rounds} rounds after ${config.warmupRounds} warm-up round; a round runs every client once, in the order shown (each of ours right after its anchor), and ratios are taken within a round, then their median. Produced by \`npm run bench\`; raw runs in \`bench-results/latest.json\`.`,
    '',
    '## Goals',
    '',
    table(
      ['goal', 'target', 'measured', ''],
      summary.goals.map((goal) => [goal.what, goal.target, goal.value, mark(goal.met)]),
    ),
    '',
    `## Tiny events: ${tiny.count.toLocaleString('en-US')} events of ~35 B JSON per run (WebSocket: ${tiny.websocketCount.toLocaleString('en-US')})`,
    '',
    "Every listener gets the parsed object: bare clients `JSON.parse` in the listener, ours parses with `parse: 'json'`. Every event has an `id:`. The server writes a whole run in one socket write; its WebSocket endpoint sends one event (its SSE text) per frame, like the reference server's `/ws` bridge. Rate = events ÷ (open → last event).",
    '',
    throughputTable('tiny', summary, results, config),
    '',
    `## 64 KB events: ${big.count} events of ${big.eventBytes / 1024} KiB text per run`,
    '',
    "MB/s = 10⁶ bytes of event data per second; `parse: 'text'`, bare listeners take `data` as it comes.",
    '',
    throughputTable('big', summary, results, config),
    '',
    `## Stall recovery: heartbeatTimeout ${stall.heartbeatTimeout} ms, reconnect initialDelay ${stall.initialDelay} ms, jitter 0`,
    '',
    `The server sends a few events, then goes silent with the connection open; any later connection gets an event at once. Recovery = last event before the silence → first event after it. Floor = heartbeat timeout + reconnect delay + one connection round trip (the median over its runs of that client's open → first event, so a run can land slightly under it). event-source-polyfill clamps its retry to at least ${stall.polyfillRetry} ms.`,
    '',
    stallTable(summary, results, config),
    '',
    '## Bundle size',
    '',
    "An app importing each package's main export, bundled by esbuild (minified, ESM, code-split), each file gzipped (-9) on its own; lazily loaded chunks are listed as what they add on first use. The budgets are checked by `npm run size`.",
    '',
    sizeTable(sizes),
    ...(errors.length ? ['', '## Failures', '', ...errors.map(([key, message]) => `- \`${key}\`: ${message}`)] : []),
    '',
  ].join('\n');
}
