import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentEngine, type EnginePage } from './support/engines/index';
import type { PageOptions } from './support/harness';
import { openHarness, type BrowserHarness } from './support/harness';
import type { SoakWindow, Status } from './support/soak-page';

// Chaos soak: per transport, 10,000 numbered events through the reference server while seeded
// random faults (drop, stall, 5xx burst, restart) hit it every ~100–300 events. The page counts
// in place (fixtures/soak.js); every event must arrive exactly once and in order.
//
// Replay a run: SOAK_SEED=<printed seed> npx vitest run --project e2e-chromium test/e2e/chaos-soak.test.ts
// (the fault schedule — batch sizes, kinds, parameters, spacing — is drawn from the seed; the
// moment a fault fires also waits for the client to have recovered from the previous one).

// 10,000 per transport in Chromium; 2,000 in Firefox and WebKit (the stated subset that fits CI's time).
const TOTAL = Number(process.env.SOAK_EVENTS ?? (currentEngine() === 'chromium' ? 10_000 : 2_000));
const SEED =
  process.env.SOAK_SEED !== undefined ? Number(process.env.SOAK_SEED) >>> 0 : (Date.now() ^ (process.pid << 16)) >>> 0;
const TRANSPORTS = ['native', 'polyfill', 'fetch', 'websocket'] as const;
type Transport = (typeof TRANSPORTS)[number];
type FaultKind = 'drop' | 'stall' | 'status' | 'restart';
const FAULT_KINDS: FaultKind[] = ['drop', 'stall', 'status', 'restart'];
/** One shuffled bag of fault kinds after another: every kind comes up, drops most often. */
const BAG: FaultKind[] = ['drop', 'drop', 'drop', 'stall', 'stall', 'status', 'status', 'restart'];
/** Time between batches: ~350 events/s, so the soak stays realistic and faults overlap live traffic. */
// A shorter soak (2,000 in Firefox and WebKit) goes slower, so that it lasts long enough for every
// kind of fault to come up (a fault waits for recovery from the previous one).
const PACE_MS = TOTAL >= 10_000 ? 90 : 300;
/**
 * Events between faults: ~100–300 at 10,000 events; closer together for a shorter soak (2,000 in
 * Firefox and WebKit), so that it still sees more than one bag of faults and so every kind.
 */
const FAULT_SPACING: [number, number] = TOTAL >= 10_000 ? [100, 300] : [30, 90];
const DRAIN_MS = 45_000;

/** mulberry32: small, fast, seedable. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface Fault {
  label: string;
  kind: FaultKind;
  /** events published when it was injected */
  sentAt: number;
  t: number;
}

interface Row {
  transport: Transport;
  sent: number;
  received: number;
  lost: number;
  duplicated: number;
  outOfOrder: number;
  faults: Record<FaultKind, number>;
  reconnects: number;
  elapsedS: number;
}

let h: BrowserHarness;
const rows: Row[] = [];
/** Uncaught errors and unhandled rejections in each transport's page, checked in a test of their own. */
const pageErrorsBy: Partial<Record<Transport, string[]>> = {};
const fileStarted = Date.now();

beforeAll(async () => {
  // Heartbeats well inside the client's 1 s timeout; retry: 50 matches the client's initialDelay
  // (fetch and websocket take the server's value); a log big enough that resume never hits its edge.
  h = await openHarness({ heartbeatMs: 300, retryMs: 50, capacity: 50_000 });
  console.log(`chaos soak: seed ${SEED} (replay with SOAK_SEED=${SEED}), ${TOTAL} events per transport`);
});

afterAll(async () => {
  await h?.close();
  if (rows.length > 0)
    console.log(`${formatTable(rows)}\nseed ${SEED}; whole file ${((Date.now() - fileStarted) / 1000).toFixed(1)} s`);
});

function formatTable(all: Row[]): string {
  const head = [
    'transport',
    'sent',
    'received',
    'lost',
    'dup',
    'ooo',
    'drop',
    'stall',
    '5xx',
    'restart',
    'reconnects',
    'elapsed s',
  ];
  const body = all.map((r) => [
    r.transport,
    r.sent,
    r.received,
    r.lost,
    r.duplicated,
    r.outOfOrder,
    r.faults.drop,
    r.faults.stall,
    r.faults.status,
    r.faults.restart,
    r.reconnects,
    r.elapsedS.toFixed(1),
  ]);
  const cells = [head, ...body].map((row) => row.map(String));
  const widths = head.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  const line = (row: string[]): string =>
    row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [
    'chaos soak tally',
    line(cells[0]!),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...cells.slice(1).map(line),
  ].join('\n');
}

/** POST with retries: the listener may be down for a restart, or a pooled socket may have been cut. */
async function post(path: string, body: unknown, attempts = 40): Promise<unknown> {
  let lastError: unknown;
  for (let i = 0; i < attempts; i++) {
    try {
      const response = await fetch(`${h.server.url}${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`POST ${path} answered ${response.status}: ${text}`);
      return JSON.parse(text) as unknown;
    } catch (error) {
      lastError = error;
      await sleep(50);
    }
  }
  throw lastError;
}

/**
 * Publishes n = from..to as events named `n` with explicit ids, so a batch whose answer was lost
 * in a restart is never appended twice: whatever the log already holds is left out of the retry.
 */
async function publishBatch(from: number, to: number, idBase: number): Promise<void> {
  const events: { id: number; event: string; data: { n: number } }[] = [];
  for (let n = from; n <= to; n++) events.push({ id: idBase + n, event: 'n', data: { n } });
  const deadline = Date.now() + 20_000;
  for (;;) {
    const pending = events.filter((e) => e.id > h.server.log.lastId);
    if (pending.length === 0) return;
    try {
      await post('/publish', pending, 1);
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(50);
    }
  }
}

async function soakOne(transport: Transport, index: number): Promise<void> {
  const seed = (SEED + Math.imul(index + 1, 0x9e3779b9)) >>> 0;
  const random = prng(seed);
  const int = (min: number, max: number): number => min + Math.floor(random() * (max - min + 1));

  const page: EnginePage = await h.newPage(
    '/fixtures/soak.html?bare',
    () => 'soak' in window && 'ResilientEventSource' in window,
  );

  const wsUrl = `${h.server.url.replace('http', 'ws')}/ws`;
  const options: PageOptions = {
    transport,
    // Only the websocket run gets a WebSocket URL: on the others it would arm the SSE→WebSocket fallback.
    ...(transport === 'websocket' ? { websocket: { url: wsUrl } } : {}),
    heartbeatTimeout: 1000,
    reconnect: { initialDelay: 50, maxDelay: 500, jitter: 0.5 },
  };
  const id = await page.evaluate(
    ([o, total]) => (window as unknown as SoakWindow).soak.create('/events', o, ['n'], total),
    [options, TOTAL] as const,
  );
  const status = (): Promise<Status> => page.evaluate((i) => (window as unknown as SoakWindow).soak.status(i), id);
  await expect.poll(async () => (await status()).state, { timeout: 15_000 }).toBe('open');

  const idBase = h.server.log.lastId;
  const faults: Fault[] = [];
  const byKind: Record<FaultKind, number> = { drop: 0, stall: 0, status: 0, restart: 0 };
  let bag: FaultKind[] = [];
  const nextKind = (): FaultKind => {
    if (bag.length === 0) {
      bag = [...BAG];
      for (let i = bag.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [bag[i], bag[j]] = [bag[j]!, bag[i]!];
      }
    }
    return bag.pop()!;
  };

  const started = Date.now();
  let sent = 0;
  let nextFaultAt = int(...FAULT_SPACING);
  let faultEnds = 0;
  let opensAtFault = -1;
  let needsReopen = false;

  const inject = async (): Promise<void> => {
    const kind = nextKind();
    let plan: Record<string, unknown>;
    let label: string;
    let lasts = 0;
    switch (kind) {
      case 'drop':
        plan = { drop: true };
        label = 'drop';
        break;
      case 'stall': {
        const seconds = int(10, 20) / 10;
        plan = { stall: seconds };
        label = `stall ${seconds}s`;
        lasts = seconds * 1000;
        break;
      }
      case 'status': {
        const code = [500, 502, 503, 504][int(0, 3)]!;
        const count = int(1, 3);
        // The burst answers the next attempts; the drop makes the client attempt now.
        plan = { status: { code, count }, drop: true };
        label = `${count}x${code}`;
        break;
      }
      case 'restart': {
        const ms = int(250, 350);
        plan = { restart: ms };
        label = `restart ${ms}ms`;
        lasts = ms + 50;
        break;
      }
    }
    const fault: Fault = {
      label: `#${faults.length + 1} ${label} after n=${sent}`,
      kind,
      sentAt: sent,
      t: Date.now() - started,
    };
    faults.push(fault);
    byKind[kind]++;
    await page.evaluate(([i, l]) => (window as unknown as SoakWindow).soak.setFault(i, l), [id, fault.label] as const);
    opensAtFault = (await status()).opens;
    needsReopen = kind !== 'stall';
    await post('/faults', plan, kind === 'restart' ? 1 : 5);
    faultEnds = Date.now() + lasts;
  };

  /** The previous fault is over and the client is back: open, and reopened if the fault cut it. */
  const recovered = async (): Promise<boolean> => {
    if (Date.now() < faultEnds) return false;
    if (Object.keys(h.server.faults.snapshot()).length > 0) return false;
    const now = await status();
    return now.state === 'open' && (!needsReopen || now.opens > opensAtFault);
  };

  while (sent < TOTAL) {
    const size = Math.min(TOTAL - sent, int(20, 50));
    await publishBatch(sent + 1, sent + size, idBase);
    sent += size;
    if (sent >= nextFaultAt && sent < TOTAL && (await recovered())) {
      await inject();
      nextFaultAt = sent + int(...FAULT_SPACING);
    }
    await sleep(PACE_MS);
  }

  // Drain: every event delivered, then a little longer so a late duplicate would still be seen.
  await post('/faults', { clear: true });
  const drainDeadline = Date.now() + DRAIN_MS;
  let progress = { received: -1, at: Date.now() };
  for (;;) {
    const now = await status();
    if (now.last === TOTAL && now.received >= TOTAL) break;
    if (now.received !== progress.received) progress = { received: now.received, at: Date.now() };
    // The newest event is in but some are missing, and nothing has moved for a while: they are lost.
    if (now.max === TOTAL && Date.now() - progress.at > 2000) break;
    if (Date.now() > drainDeadline) break;
    await sleep(100);
  }
  await sleep(500);
  const elapsedS = (Date.now() - started) / 1000;
  const tally = await page.evaluate(([i, s]) => (window as unknown as SoakWindow).soak.tally(i, s), [
    id,
    sent,
  ] as const);
  await page.evaluate((i) => (window as unknown as SoakWindow).soak.call(i, 'close'), id);
  // Uncaught errors and unhandled rejections, collected in the page (every engine).
  pageErrorsBy[transport] = await h.pageErrors(page);
  await page.close();

  const row: Row = {
    transport,
    sent,
    received: tally.received,
    lost: tally.lost,
    duplicated: tally.duplicates,
    outOfOrder: tally.outOfOrder,
    faults: byKind,
    reconnects: Math.max(0, tally.opens - 1),
    elapsedS,
  };
  rows.push(row);
  console.log(
    `${transport}: sent ${sent}, received ${tally.received}, lost ${tally.lost}, duplicated ${tally.duplicates}, ` +
      `out of order ${tally.outOfOrder}, faults ${JSON.stringify(byKind)}, reconnects ${row.reconnects}, ` +
      `${elapsedS.toFixed(1)} s (seed ${seed}); states ${JSON.stringify(tally.reasons)}; errors ${JSON.stringify(tally.errors)}`,
  );

  // On failure: the first anomalies, each with the fault it came after, and the faults near the first lost numbers.
  const faultNear = (n: number): string => [...faults].reverse().find((f) => f.sentAt < n)?.label ?? 'before any fault';
  const details = [
    `seed ${SEED} (transport seed ${seed}), transport ${transport}`,
    `first anomalies: ${tally.anomalies
      .slice(0, 15)
      .map(
        (a) =>
          `[${a.kind} expected ${a.expected} got ${a.got}, ${a.msSinceFault} ms after "${a.fault}", state ${a.state}]`,
      )
      .join(' ')}`,
    `first lost: ${tally.firstLost.map(([from, to]) => `${from === to ? from : `${from}–${to}`} (after "${faultNear(from)}")`).join(', ')}`,
    `final state ${tally.state}, errors ${JSON.stringify(tally.errors)}`,
  ].join('\n');

  expect(tally.transport, details).toBe(transport);
  expect(tally.bogus, details).toBe(0);
  expect(tally.lost, details).toBe(0);
  expect(tally.duplicates, details).toBe(0);
  expect(tally.outOfOrder, details).toBe(0);
  expect(tally.received, details).toBe(TOTAL);
  // The chaos really happened: every kind of fault hit, and the client really reconnected.
  for (const kind of FAULT_KINDS) expect(byKind[kind], `${kind} faults\n${details}`).toBeGreaterThan(0);
  expect(tally.opens - 1, details).toBeGreaterThanOrEqual(byKind.drop + byKind.status + byKind.restart);
}

describe(`chaos soak: ${TOTAL} events per transport under seeded random faults`, () => {
  TRANSPORTS.forEach((transport, index) => {
    it(`${transport}: every event exactly once and in order`, () => soakOne(transport, index), 240_000);
  });

  // event-source-polyfill's own fetch transport cancels an errored reader without a catch, so every
  // dropped stream left an unhandled rejection in the page; the SDK gives it a stream of its own
  // (src/transports/polyfill.ts). This keeps all four transports honest about it.
  it('no uncaught error or unhandled rejection in the page on any transport', () => {
    const summary = Object.fromEntries(
      Object.entries(pageErrorsBy).map(([transport, errors]) => [
        transport,
        { count: errors.length, first: errors.slice(0, 3) },
      ]),
    );
    // Over the transports that ran (all four, unless a -t filter picked some).
    expect(Object.keys(summary).length).toBeGreaterThan(0);
    expect(summary).toEqual(
      Object.fromEntries(Object.keys(summary).map((transport) => [transport, { count: 0, first: [] }])),
    );
  });
});
