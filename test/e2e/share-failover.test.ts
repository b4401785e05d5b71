/**
 * `share` failover in a real browser of every engine: numbered events while the leader tab is, in turn,
 * closed, reloaded, crashed and frozen. Every tab that stays sees every event once and in order, the server holds two streams
 * only during a handover or while a frozen leader keeps its own, and each failover time is printed.
 *
 * Frozen: `Page.setWebLifecycleState` frozen first, as the issue says. In Chromium 156 that call changes
 * nothing (headless or not: the page's timers run on and no `freeze` event fires), so the page is then paused
 * in the debugger instead, recorded with ranAsEquivalent(): like a frozen tab it runs no script, keeps its
 * Web Lock and its stream, and answers no one, so the other tabs must notice the silence and steal the lock.
 *
 * A frozen leader is woken up after it was replaced: the stale-leader guard must close its stream (the
 * server is back to one), make it a follower, and it must still see every event once and in order.
 *
 * Firefox and WebKit have no DevTools protocol here, so two disruptions run as equivalents there, said so
 * in the run's table: a crashed leader is closed instead (either way its lock is released without its
 * script running on), and so is a frozen one: their pages of one site share a content process, so no page
 * can be frozen or hung alone (a busy loop in one hangs every tab). The woken-leader guard is Chromium's.
 *
 * The second case runs 20 failovers in a row (SHARE_FAILOVERS=n for another count; 20 take about 12 s),
 * close, crash, reload and freeze in turn, opening a new tab after each close or crash, and prints each
 * time and the p99 (the issue's goal: 300 ms on loopback; asserted here only under a generous 5 s).
 */
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningServer } from '../../playground/server/server';
import { launchChromium } from './support/chromium';
import { currentEngine, type EngineBrowser } from './support/engines/index';
import { ranAsEquivalent } from './support/equivalents';
import { openBrowser, startFixtureServer, until } from './support/harness';
import { leaderOf, range, Tab, withoutAbortedStream } from './support/share-tabs';

type Disruption = 'close' | 'reload' | 'crash' | 'freeze';
type AnyTab = Tab<unknown>;

let server: RunningServer;
/** Chromium: playwright's browser, for CDP. Firefox and WebKit: the engine-neutral one. */
let browser: Browser | EngineBrowser;

beforeAll(async () => {
  server = await startFixtureServer({ capacity: 50_000 });
  browser = currentEngine() === 'chromium' ? await launchChromium() : await openBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Publishes `count` numbered events, 10 every 10 ms, the way a busy stream arrives. */
async function publishRun(count: number, state: { published: number }): Promise<void> {
  for (let i = 0; i < count; i += 10) {
    for (let j = 0; j < 10 && i + j < count; j++) server.publish({ data: ++state.published });
    await sleep(10);
  }
}

interface Handover {
  /** From `t0` to the first event through the new leader. */
  ms: number;
  /** The state changes from t0 to that event. */
  changes: { state: string; reason: string; attempt: number; delay: number | null }[];
}

/**
 * How long after `t0` (Date.now()) this tab got its first event through a new leader: the first event
 * after its first 'handover' state change since t0. Undefined until both happened. Read in the page, so
 * polling does not copy thousands of events to Node.
 */
function handoverOf(tab: AnyTab, t0: number): Promise<Handover | undefined> {
  type Rec = { events: { t: number }[]; changes: (Handover['changes'][number] & { t: number })[] };
  return tab
    .evaluate((since: number) => {
      const record = (window as unknown as { harness: { records: Map<number, Rec> } }).harness.records.get(1);
      const origin = performance.timeOrigin;
      const handover = record?.changes.find((c) => c.reason === 'handover' && origin + c.t >= since);
      const first = handover && record?.events.find((e) => e.t >= handover.t);
      if (!record || !first) return undefined;
      const changes = record.changes
        .filter((c) => origin + c.t >= since && c.t <= first.t)
        .map(({ state, reason, attempt, delay }) => ({ state, reason, attempt, delay }));
      return { ms: origin + first.t - since, changes };
      // WebDriver hands an undefined result back as null.
    }, t0)
    .then((handover) => handover ?? undefined);
}

/** Opens a tab on the harness page with one shared source, and waits until it knows its role. */
async function withSharedSource<T extends AnyTab>(tab: T): Promise<T> {
  await tab.create('/events', { share: true });
  await until(
    `${tab.name} to know its role`,
    () => tab.role(),
    (role) => role !== null,
  );
  return tab;
}

/** One run's tabs (one profile), and what this engine can do to a leader tab. */
interface RunTabs {
  open(name: string): Promise<AnyTab>;
  crash(tab: AnyTab): Promise<void>;
  /** Freezes the tab; returns how to wake it. Absent where no page can be frozen alone: closed instead (said so). */
  freeze?(tab: AnyTab): Promise<() => Promise<unknown>>;
  /** Closes every tab of the run. */
  close(): Promise<void>;
}

/** Chromium: a fresh context per run; crash and freeze through CDP. */
async function chromiumTabs(chromium: Browser): Promise<RunTabs> {
  const context = await chromium.newContext();
  lifecycleFreezes ??= setWebLifecycleStateFreezes(context);
  await lifecycleFreezes;
  const pageOf = (tab: AnyTab) => tab.page as Page;
  return {
    open: (name) => Tab.open(context, server, name).then(withSharedSource),
    async crash(tab) {
      const cdp = await context.newCDPSession(pageOf(tab));
      const crashed = new Promise((resolve) => pageOf(tab).once('crash', resolve));
      void cdp.send('Page.crash').catch(() => {});
      await crashed;
    },
    freeze: async (tab) => freeze(await context.newCDPSession(pageOf(tab))),
    close: () => context.close(),
  };
}

/**
 * Firefox and WebKit: tabs of the one browser; crash and freeze as stated equivalents. Their pages of one
 * site share a content process, so a busy loop in one (tried) hangs them all: a frozen leader is closed
 * instead, and the woken-leader guard is proven in Chromium only.
 */
function engineTabs(engine: EngineBrowser): RunTabs {
  const opened: AnyTab[] = [];
  return {
    async open(name) {
      const tab = await Tab.open(engine, server, name);
      opened.push(tab);
      return withSharedSource(tab);
    },
    async crash(tab) {
      ranAsEquivalent(
        'crashed leader: no DevTools protocol to crash a renderer in this engine; the leader tab was closed instead (its lock is released either way)',
      );
      await tab.close();
    },
    async close() {
      // Closed tabs (close, crash) reject a second close; the rest close here.
      await Promise.all(opened.map((tab) => tab.close().catch(() => {})));
    },
  };
}

/** Does `Page.setWebLifecycleState` frozen stop a page's timers in this Chromium? Asked once, on a spare page. */
let lifecycleFreezes: Promise<boolean> | undefined;
async function setWebLifecycleStateFreezes(context: BrowserContext): Promise<boolean> {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Page.setWebLifecycleState', { state: 'frozen' });
  const ran = page.evaluate(() => new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 10)));
  const verdict = await Promise.race([ran.catch(() => false), sleep(1000).then(() => false)]);
  await cdp.send('Page.setWebLifecycleState', { state: 'active' });
  await page.close();
  return !verdict;
}

/** Freezes the tab (or pauses it in the debugger where freezing does nothing); returns how to wake it. */
async function freeze(cdp: CDPSession): Promise<() => Promise<unknown>> {
  if (await lifecycleFreezes) {
    await cdp.send('Page.setWebLifecycleState', { state: 'frozen' });
    return () => cdp.send('Page.setWebLifecycleState', { state: 'active' });
  }
  ranAsEquivalent(
    'frozen leader: Page.setWebLifecycleState froze nothing in this Chromium; the leader was paused in the debugger (Debugger.pause): no script runs, its lock and stream stay',
  );
  await cdp.send('Debugger.enable');
  await cdp.send('Debugger.pause');
  return () => cdp.send('Debugger.resume');
}

/** p-th percentile, nearest rank. */
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

interface Run {
  disruptions: readonly Disruption[];
  /** Events published in all, in one phase per disruption and a last one. */
  total: number;
  /** Tabs in all at the start (one stream for all of them). */
  tabs: number;
  /** Open a new tab after each close or crash, so there are always `tabs` tabs. */
  refill: boolean;
}

/** Publishes `total` events in phases and disrupts the leader in the middle of every phase but the last. */
async function failoverRun({ disruptions, total, tabs: tabCount, refill }: Run): Promise<number[]> {
  const phaseSize = Math.floor(total / (disruptions.length + 1));
  const published = { published: server.log.lastId };
  const first = published.published + 1;
  const last = first + phaseSize * (disruptions.length + 1) - 1;
  const requestsBefore = server.requests.length;
  const run = 'newContext' in browser ? await chromiumTabs(browser) : engineTabs(browser);
  let names = 0;
  const tabs: AnyTab[] = [];
  for (let i = 0; i < tabCount; i++) tabs.push(await run.open(String.fromCharCode(97 + names++)));
  await until(
    'one stream for every tab',
    () => server.connectionCount(),
    (n) => n === 1,
  );
  expect(server.requests.length - requestsBefore).toBe(1);

  // The server's stream count, sampled throughout: more than one only during a handover, or while a
  // frozen leader (which cannot close anything) keeps its stream; counted apart.
  const frozen: { tab?: AnyTab } = {};
  let maxStreams = 0;
  let overlapSamples = 0;
  let frozenOverlapSamples = 0;
  const sampler = setInterval(() => {
    const n = server.connectionCount();
    maxStreams = Math.max(maxStreams, n);
    if (n > 1 && frozen.tab) frozenOverlapSamples++;
    else if (n > 1) overlapSamples++;
  }, 10);

  const live = new Set(tabs);
  /** Tabs that joined late (opened, reloaded): they see every event from their first one. */
  const late = new Set<AnyTab>();
  const failovers: { kind: Disruption; ms: number; t0: number }[] = [];
  // Counted before the context closes: closing the tabs hands the stream on once more.
  let requestsAfter = Number.POSITIVE_INFINITY;

  try {
    for (let phase = 0; phase <= disruptions.length; phase++) {
      const publishing = publishRun(phaseSize, published);
      const kind = disruptions[phase];
      if (kind) {
        await until(
          'part of the phase published',
          () => published.published,
          (n) => n >= first + phase * phaseSize + phaseSize / 3,
        );
        const leader = await leaderOf([...live]);
        if (!leader) throw new Error('no leader');
        const others = [...live].filter((t) => t !== leader);
        let wake: (() => Promise<unknown>) | undefined;
        const t0 = Date.now();
        if (kind === 'close') {
          await leader.close();
          live.delete(leader);
        } else if (kind === 'reload') {
          await leader.load(server);
          await leader.create('/events', { share: true });
          late.add(leader);
        } else if (kind === 'crash') {
          await run.crash(leader);
          live.delete(leader);
        } else if (!run.freeze) {
          ranAsEquivalent(
            "frozen leader: no DevTools protocol here, and this engine's pages of one site share a content process, so no page can be frozen or hung alone; the leader tab was closed instead",
          );
          await leader.close();
          live.delete(leader);
        } else {
          wake = await run.freeze(leader);
          frozen.tab = leader;
        }
        // Failover time: from the disruption to the first event a remaining tab got through the new
        // leader, the slowest of the tabs that stayed.
        const handovers = (await until(
          `every remaining tab to hear the new leader after the ${kind}`,
          () => Promise.all(others.map((tab) => handoverOf(tab, t0))),
          (list) => list.every((h) => h !== undefined),
        )) as Handover[];
        // A handover is not a failure: no attempt used, no backoff delay, in any tab.
        for (const { changes: all } of handovers) {
          // Only a reload aborts the leader's stream first; a close or crash must show no drop at all.
          const changes = kind === 'reload' ? withoutAbortedStream(all).changes : all;
          for (const change of changes)
            expect(change, `a state change in the ${kind} failover`).toMatchObject({ attempt: 0 });
          for (const change of changes) expect(change.delay ?? 0).toBe(0);
          expect(changes.filter((c) => c.state === 'reconnecting').map((c) => c.reason)).toEqual(['handover']);
        }
        const ms = Math.round(Math.max(...handovers.map((h) => h.ms)));
        const next = await leaderOf(others);
        failovers.push({ kind, ms, t0 });
        console.log(`failover ${failovers.length} after the leader's ${kind}: ${ms} ms (new leader ${next?.name})`);

        if (wake) {
          // The stale-leader guard: woken up, the replaced leader closes its stream and follows.
          const streamsWhileFrozen = server.connectionCount();
          await wake();
          await until(
            'the woken tab to follow',
            () => leader.role(),
            (role) => role === 'follower',
          );
          await until(
            'one stream again',
            () => server.connectionCount(),
            (n) => n === 1,
          );
          frozen.tab = undefined;
          expect(await leaderOf([...live])).toBe(next);
          console.log(`  woken after the freeze: follows; streams ${streamsWhileFrozen} while frozen, 1 now`);
        }
        if (refill && !live.has(leader)) {
          const tab = await run.open(String.fromCharCode(97 + names++));
          live.add(tab);
          late.add(tab);
        }
      }
      await publishing;
    }

    for (const tab of live) {
      await until(
        `${tab.name} to receive up to ${last}`,
        () => tab.ids().then((ids) => ids.at(-1)),
        (id) => id === String(last),
        30_000,
      );
      const ids = await tab.ids();
      // Present from the start: exactly first..last, once each, in order (a woken leader too). Joined
      // late: from its first event to the last, with no gap or duplicate.
      const from = late.has(tab) ? Number(ids[0]) : first;
      expect(ids, `${tab.name}'s events`).toEqual(range(from, last));
    }
    requestsAfter = server.requests.length;
  } finally {
    clearInterval(sampler);
    await run.close();
  }
  const times = failovers.map((f) => f.ms);
  console.log(
    `failovers: ${failovers.map((f) => `${f.kind} ${f.ms} ms`).join(', ')}; p99 ${percentile(times, 99)} ms, ` +
      `median ${percentile(times, 50)} ms; most streams at once: ${maxStreams}; ` +
      `overlap samples (10 ms): ${overlapSamples} in handovers, ${frozenOverlapSamples} while a leader was frozen`,
  );
  expect(failovers.map((f) => f.kind)).toEqual([...disruptions]);
  // Generous: the goal on an idle machine is 300 ms; this shared CI machine is noisy.
  for (const ms of times) expect(ms).toBeLessThan(5000);
  expect(maxStreams).toBeLessThanOrEqual(2);
  // Outside a freeze, an overlap, if any, lasted well under a second per handover.
  expect(overlapSamples).toBeLessThan(50 * disruptions.length);
  // One stream at first, then one per failover (a reloaded tab rejoins the existing one).
  const streams = server.requests.slice(requestsBefore, requestsAfter);
  const timeline = [
    ...streams.map((r) => ({ t: r.t, what: `stream from ${r.lastEventId}` })),
    ...failovers.map((f) => ({ t: f.t0, what: f.kind })),
  ].sort((a, b) => a.t - b.t);
  const told = timeline.map((e) => `${e.t - (timeline[0]?.t ?? 0)} ms ${e.what}`).join('; ');
  expect(streams.length, `stream requests: ${told}`).toBe(1 + disruptions.length);
  for (const request of streams.slice(1)) expect(request.lastEventId).not.toBeNull();
  return times;
}

it('5,000 events: no event lost or duplicated in any tab while the leader is closed, reloaded, crashed and frozen', () =>
  failoverRun({ disruptions: ['close', 'reload', 'crash', 'freeze'], total: 5000, tabs: 5, refill: false }));

const FAILOVERS = Number(process.env.SHARE_FAILOVERS ?? 20);
const KINDS: Disruption[] = ['close', 'crash', 'reload', 'freeze'];

it(`${FAILOVERS} failovers of every kind in a row: each time and the p99 printed`, async () => {
  const disruptions = Array.from({ length: FAILOVERS }, (_, i) => KINDS[i % KINDS.length] as Disruption);
  const times = await failoverRun({ disruptions, total: 300 * (FAILOVERS + 1), tabs: 3, refill: true });
  expect(times).toHaveLength(FAILOVERS);
}, 240_000);
