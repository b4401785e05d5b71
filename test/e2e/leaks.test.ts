import type { CDPSession } from 'playwright-core';
import type { ChromiumPage } from './support/engines/chromium';
import type { EnginePage } from './support/engines/index';
import { ranAsEquivalent } from './support/equivalents';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PageOptions } from './support/harness';
import { openHarness, type BrowserHarness } from './support/harness';
import { ownTimers, type Probe, type SoakWindow, type Status } from './support/soak-page';

// Leaks: close() leaves no timer, socket, request or page listener behind (counted by
// fixtures/soak.js, which wraps them before the UMD bundle loads), and a long reconnect loop
// does not grow the JS heap (measured over CDP after a forced GC). Firefox and WebKit give the tests
// no heap API: there the loop runs on an instrumented page and the live objects are counted instead
// (timers, sockets, requests, listeners the same after 300 cycles as before), said as an equivalent.

const TRANSPORTS = ['native', 'polyfill', 'fetch', 'websocket'] as const;
type Transport = (typeof TRANSPORTS)[number];

const HEAP_WARMUP_CYCLES = 50;
const HEAP_CYCLES = 300;
const HEAP_BOUND_BYTES = 1024 * 1024;
/** After close(), how long the server must see no new stream request. */
const QUIET_MS = 3000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

let h: BrowserHarness;
const heapRows: string[] = [];

beforeAll(async () => {
  // retry: 5000, so a dropped fetch/websocket stream (which take the server's value) has its
  // reconnect pending long enough to close() during it.
  h = await openHarness({ heartbeatMs: 1000, retryMs: 5000, capacity: 10_000 });
});

afterAll(async () => {
  await h?.close();
  if (heapRows.length > 0) console.log(['JS heap after GC (usedSize)', ...heapRows].join('\n'));
});

function openPage(bare: boolean): Promise<EnginePage> {
  return h.newPage(
    `/fixtures/soak.html${bare ? '?bare' : ''}`,
    () => 'soak' in window && 'ResilientEventSource' in window,
  );
}

const probe = (page: EnginePage): Promise<Probe> => page.evaluate(() => (window as unknown as SoakWindow).soak.probe());
const status = (page: EnginePage, id: number): Promise<Status> =>
  page.evaluate((i) => (window as unknown as SoakWindow).soak.status(i), id);
const create = (page: EnginePage, options: PageOptions): Promise<number> =>
  page.evaluate(([o]) => (window as unknown as SoakWindow).soak.create('/events', o, ['n'], 0), [options] as const);
const closeSource = (page: EnginePage, id: number): Promise<void> =>
  page.evaluate((i) => (window as unknown as SoakWindow).soak.call(i, 'close'), id);

async function faults(plan: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${h.server.url}/faults`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(plan),
  });
  expect(response.status).toBe(200);
  await response.text();
}

function publish(count: number): void {
  for (let i = 0; i < count; i++) h.server.publish({ event: 'n', data: { n: i + 1 } });
}

function optionsFor(transport: Transport, extra: PageOptions = {}): PageOptions {
  const wsUrl = `${h.server.url.replace('http', 'ws')}/ws`;
  return { transport, ...(transport === 'websocket' ? { websocket: { url: wsUrl } } : {}), ...extra };
}

/** The page holds what this transport's open connection should hold: proves the counters see it. */
async function expectConnectionVisible(page: EnginePage, transport: Transport, baseline: Probe): Promise<void> {
  // Native arms its watchdog once the server's first heartbeat event arrives (README, Heartbeats).
  await expect.poll(async () => (await probe(page)).timers, { timeout: 15_000 }).toBeGreaterThan(baseline.timers);
  const live = await probe(page);
  const seen = { native: live.eventSources, polyfill: live.fetches, fetch: live.fetches, websocket: live.webSockets }[
    transport
  ];
  expect(seen, `${transport} connection visible to the probe: ${JSON.stringify(live)}`).toBe(1);
  expect(live.listeners).toEqual({ online: 1, offline: 1, visibilitychange: 1 });
  expect(live.timers, 'heartbeat timer visible').toBeGreaterThan(baseline.timers);
}

/**
 * After close(): the page's live timers back to the baseline, no EventSource/WebSocket/fetch/XHR
 * alive, no online/offline/visibilitychange listener; the server holds no stream and receives no
 * new stream request (nor does the page create one) for QUIET_MS.
 */
async function expectNothingLeft(page: EnginePage, baseline: Probe): Promise<void> {
  // Sockets close asynchronously (a WebSocket goes CLOSING → CLOSED): wait on the condition.
  await expect
    .poll(
      async () => {
        const p = await probe(page);
        return { eventSources: p.eventSources, webSockets: p.webSocketsNotClosed, fetches: p.fetches, xhrs: p.xhrs };
      },
      { timeout: 10_000 },
    )
    .toEqual({ eventSources: 0, webSockets: 0, fetches: 0, xhrs: 0 });
  await expect.poll(() => h.server.connectionCount(), { timeout: 10_000 }).toBe(0);

  const after = await probe(page);
  expect(ownTimers(after), 'live timers after close() (baseline listed first)').toEqual(ownTimers(baseline));
  expect(after.timers).toBe(baseline.timers);
  expect(after.listeners, JSON.stringify(after.listenerList)).toEqual(baseline.listeners);

  const requestsBefore = h.server.requests.length;
  const lastBefore = h.server.requests.at(-1);
  await sleep(QUIET_MS);
  const quiet = await probe(page);
  const newRequests = h.server.requests.slice(requestsBefore).map((r) => `${r.endpoint} ${r.url} → ${r.status}`);
  expect(newRequests, 'stream requests after close()').toEqual([]);
  expect(h.server.requests.at(-1)).toBe(lastBefore);
  expect(h.server.connectionCount()).toBe(0);
  // WebKitWebDriver arms a timer in the page for every Execute Script (each probe() call): there the
  // timers created are not counted, the live timers (next line) still are.
  const created = (p: Probe) => (h.engine === 'webkit' ? { ...p.created, timers: 0 } : p.created);
  expect(created(quiet), 'connections the page started after close()').toEqual(created(after));
  expect(quiet.timers).toBe(baseline.timers);
}

describe('close() leaves no timer, socket, request or page listener', () => {
  for (const transport of TRANSPORTS) {
    describe(transport, () => {
      it('closed while open, after some events', async () => {
        const page = await openPage(false);
        const baseline = await probe(page);
        expect(baseline.instrumented).toBe(true);
        const id = await create(page, optionsFor(transport, { heartbeatTimeout: 5000 }));
        await expect.poll(async () => (await status(page, id)).state, { timeout: 15_000 }).toBe('open');
        publish(20);
        await expect.poll(async () => (await status(page, id)).received, { timeout: 10_000 }).toBe(20);
        await expectConnectionVisible(page, transport, baseline);
        expect(h.server.connectionCount()).toBe(1);

        await closeSource(page, id);
        expect((await status(page, id)).state).toBe('closed');
        await expectNothingLeft(page, baseline);
        await page.close();
      });

      it('closed with a reconnect pending (after a server drop)', async () => {
        const page = await openPage(false);
        const baseline = await probe(page);
        // A long backoff (and the server's retry: 5000 for fetch/websocket) keeps the retry timer pending.
        const id = await create(
          page,
          optionsFor(transport, {
            heartbeatTimeout: 5000,
            reconnect: { initialDelay: 5000, maxDelay: 10_000, jitter: 0.5 },
          }),
        );
        await expect.poll(async () => (await status(page, id)).state, { timeout: 15_000 }).toBe('open');
        publish(20);
        await expect.poll(async () => (await status(page, id)).received, { timeout: 10_000 }).toBe(20);
        await expectConnectionVisible(page, transport, baseline);

        await faults({ drop: true });
        await expect.poll(async () => (await status(page, id)).state, { timeout: 10_000 }).toBe('reconnecting');
        const pending = await probe(page);
        expect(
          pending.timerList.some((t) => t.kind === 'timeout' && t.ms >= 2000),
          `a reconnect timer is pending: ${JSON.stringify(pending.timerList)}`,
        ).toBe(true);

        await closeSource(page, id);
        await expectNothingLeft(page, baseline);
        await page.close();
      });

      it('closed while connecting (the server holds the request in a stall)', async () => {
        const page = await openPage(false);
        const baseline = await probe(page);
        await faults({ stall: 30 });
        try {
          const id = await create(page, optionsFor(transport, { heartbeatTimeout: 20_000 }));
          // The request is out and held: the page has a connection in flight, the server no stream yet.
          await expect
            .poll(
              async () => {
                const p = await probe(page);
                return p.eventSources + p.webSockets + p.fetches + p.xhrs;
              },
              { timeout: 10_000 },
            )
            .toBe(1);
          await sleep(300);
          expect((await status(page, id)).state).toBe('connecting');
          await closeSource(page, id);
        } finally {
          // A request the client failed to abort would now be answered, recorded and streamed to.
          await faults({ stall: null });
        }
        await expectNothingLeft(page, baseline);
        await page.close();
      });
    });
  }
});

async function heapUsed(cdp: CDPSession): Promise<number> {
  let least = Infinity;
  for (let i = 0; i < 3; i++) {
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = await cdp.send('Runtime.getHeapUsage');
    least = Math.min(least, usedSize);
  }
  return least;
}

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;

describe(`${HEAP_CYCLES} reconnect cycles do not grow the JS heap`, () => {
  for (const transport of TRANSPORTS) {
    it(`${transport}: heap growth under 1 MB after GC (reconnect() and server drops, alternating)`, async () => {
      if (!h.chromium) {
        ranAsEquivalent('no heap API: live timers, sockets, requests and listeners counted over the cycles');
        await countedCycles(transport);
        return;
      }
      const page = await openPage(true);
      const cdp = await h.chromium.context.newCDPSession((page as ChromiumPage).playwright);
      await cdp.send('Runtime.enable');
      await cdp.send('HeapProfiler.enable');
      const { id, cycles } = await openCyclingSource(page, transport);

      const started = Date.now();
      await cycles(HEAP_WARMUP_CYCLES);
      const baseline = await heapUsed(cdp);
      const loopStarted = Date.now();
      const opens = await cycles(HEAP_CYCLES);
      const loopS = (Date.now() - loopStarted) / 1000;
      const after = await heapUsed(cdp);

      // Still a working source at the end of the loop.
      const before = (await status(page, id)).received;
      publish(3);
      await expect.poll(async () => (await status(page, id)).received, { timeout: 10_000 }).toBe(before + 3);

      await closeSource(page, id);
      await page.evaluate((i) => (window as unknown as SoakWindow).soak.forget(i), id);
      const released = await heapUsed(cdp);
      const growth = after - baseline;
      heapRows.push(
        `${transport.padEnd(9)} baseline ${kb(baseline)}, after ${HEAP_CYCLES} cycles ${kb(after)} (growth ${kb(growth)}), ` +
          `after close ${kb(released)}; ${opens} opens, loop ${loopS.toFixed(1)} s, test ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
      console.log(heapRows.at(-1));
      await cdp.detach();
      await page.close();

      expect(opens).toBeGreaterThanOrEqual(HEAP_WARMUP_CYCLES + HEAP_CYCLES + 1);
      expect(growth, `heap growth over ${HEAP_CYCLES} cycles`).toBeLessThan(HEAP_BOUND_BYTES);
    }, 180_000);
  }
});

/** What an open source holds in the page, as the probe counts it. */
const held = (p: Probe) => ({
  timers: p.timers,
  eventSources: p.eventSources,
  webSockets: p.webSocketsNotClosed,
  fetches: p.fetches,
  xhrs: p.xhrs,
  listeners: p.listeners,
});

/**
 * An open source set up for reconnect cycles (both heap cases): resetAfter 0, so every drop backs off
 * from the first delay, capped short by maxDelay. `cycles(n)` runs n cycles in the page; returns opens.
 */
async function openCyclingSource(
  page: EnginePage,
  transport: Transport,
): Promise<{ id: number; cycles: (count: number) => Promise<number> }> {
  const id = await create(
    page,
    optionsFor(transport, {
      heartbeatTimeout: 10_000,
      reconnect: { initialDelay: 20, maxDelay: 100, jitter: 0.5, resetAfter: 0 },
    }),
  );
  await expect.poll(async () => (await status(page, id)).state, { timeout: 15_000 }).toBe('open');
  const cycles = (count: number): Promise<number> =>
    page.evaluate(([i, c]) => (window as unknown as SoakWindow).soak.cycles(i, c, 'mixed', 10_000), [
      id,
      count,
    ] as const);
  return { id, cycles };
}

/**
 * The heap case's equivalent where no heap can be measured: after warm-up, an open source holds a
 * set of live objects; after HEAP_CYCLES more reconnect cycles it must hold the same set (nothing
 * piles up per cycle), and close() must then leave nothing.
 */
async function countedCycles(transport: Transport): Promise<void> {
  const page = await openPage(false);
  const empty = await probe(page);
  expect(empty.instrumented).toBe(true);
  const { id, cycles } = await openCyclingSource(page, transport);
  await cycles(HEAP_WARMUP_CYCLES);
  await expect.poll(async () => (await status(page, id)).state, { timeout: 15_000 }).toBe('open');
  await expectConnectionVisible(page, transport, empty);
  const warm = held(await probe(page));
  const opens = await cycles(HEAP_CYCLES);
  expect(opens).toBeGreaterThanOrEqual(HEAP_WARMUP_CYCLES + HEAP_CYCLES + 1);
  await expect.poll(async () => (await status(page, id)).state, { timeout: 15_000 }).toBe('open');
  // Sockets of the last cycle close asynchronously: wait for the counts to settle.
  await expect.poll(async () => held(await probe(page)), { timeout: 10_000 }).toEqual(warm);
  const before = (await status(page, id)).received;
  publish(3);
  await expect.poll(async () => (await status(page, id)).received, { timeout: 10_000 }).toBe(before + 3);
  await closeSource(page, id);
  await expectNothingLeft(page, empty);
  await page.close();
}
