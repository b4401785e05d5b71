/**
 * `share` failover in real Chromium: 5,000 numbered events while the leader tab is, in turn, closed,
 * reloaded and crashed. Every tab that stays sees 1..N exactly once and in order, the server never holds
 * two streams for long, and each failover time is printed. Not covered yet: a frozen leader
 * (`Page.setWebLifecycleState` frozen); `failoverRun(['freeze'], 1000, [])` shows that no other tab
 * takes over in this Chromium.
 */
import type { Browser, BrowserContext, CDPSession } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningServer } from '../../playground/server/server';
import { launchChromium } from './support/chromium';
import { startFixtureServer, until } from './support/harness';
import { leaderOf, range, Tab } from './support/share-tabs';

type Disruption = 'close' | 'reload' | 'crash' | 'freeze';

let server: RunningServer;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  server = await startFixtureServer({ capacity: 20_000 });
  browser = await launchChromium();
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

/**
 * Publishes `TOTAL` events in phases, disrupting the leader in the middle of every phase but the last:
 * three tabs first (one stream), then `extra` more so that one tab is never disturbed.
 */
async function failoverRun(DISRUPTIONS: readonly Disruption[], TOTAL: number, extra: string[]): Promise<void> {
  const PHASE = TOTAL / (DISRUPTIONS.length + 1);
  const first = server.log.lastId + 1;
  const requestsBefore = server.requests.length;
  context = await browser.newContext();
  const tabs: Tab[] = [];
  for (const name of ['a', 'b', 'c']) {
    const tab = await Tab.open(context, server, name);
    await tab.create('/events', { share: true });
    tabs.push(tab);
  }
  await until(
    'every tab to know its role',
    () => Promise.all(tabs.map((t) => t.role())),
    (r) => !r.includes(null),
  );
  await until(
    'one stream for three tabs',
    () => server.connectionCount(),
    (n) => n === 1,
  );
  expect(server.requests.length - requestsBefore).toBe(1);
  for (const name of extra) {
    const tab = await Tab.open(context, server, name);
    await tab.create('/events', { share: true });
    tabs.push(tab);
  }
  await until(
    'every tab to know its role',
    () => Promise.all(tabs.map((t) => t.role())),
    (r) => !r.includes(null),
  );
  expect(server.connectionCount()).toBe(1);

  // The server's stream count, sampled throughout: more than one only during a handover.
  let maxStreams = 0;
  let overlapSamples = 0;
  const sampler = setInterval(() => {
    const n = server.connectionCount();
    maxStreams = Math.max(maxStreams, n);
    if (n > 1) overlapSamples++;
  }, 10);

  const live = new Set(tabs);
  const disturbed = new Set<Tab>();
  let frozen: { tab: Tab; cdp: CDPSession } | undefined;
  const state = { published: 0 };
  const failovers: { kind: string; ms: number }[] = [];

  try {
    for (let phase = 0; phase <= DISRUPTIONS.length; phase++) {
      const run = publishRun(PHASE, state);
      const kind = DISRUPTIONS[phase];
      if (kind) {
        await until(
          'part of the phase published',
          () => state.published,
          (n) => n >= phase * PHASE + PHASE / 3,
        );
        const leader = await leaderOf([...live]);
        if (!leader) throw new Error('no leader');
        disturbed.add(leader);
        const others = [...live].filter((t) => t !== leader);
        const t0 = Date.now();
        if (kind === 'close') {
          await leader.page.close();
          live.delete(leader);
        } else if (kind === 'reload') {
          await leader.load(server);
          await leader.create('/events', { share: true });
        } else if (kind === 'crash') {
          const cdp = await context.newCDPSession(leader.page);
          const crashed = new Promise((resolve) => leader.page.once('crash', resolve));
          void cdp.send('Page.crash').catch(() => {});
          await crashed;
          live.delete(leader);
        } else {
          const cdp = await context.newCDPSession(leader.page);
          await cdp.send('Page.setWebLifecycleState', { state: 'frozen' });
          frozen = { tab: leader, cdp };
          live.delete(leader);
        }
        const next = await until(
          `another tab to lead after the ${kind}`,
          () => leaderOf(others),
          (tab) => tab !== undefined,
        );
        // Failover time: from the disruption to the first event a remaining tab got through the new leader
        // (after its 'handover' state change), the slowest of the tabs that stayed.
        const times = await until(
          `every remaining tab to hear the new leader after the ${kind}`,
          () =>
            Promise.all(
              others.map(async (tab) => {
                const snap = await tab.snapshot();
                const origin = await tab.page.evaluate(() => performance.timeOrigin);
                const handoverAt = snap.changes
                  .filter((c) => c.reason === 'handover')
                  .map((c) => origin + c.t)
                  .find((at) => at >= t0);
                if (handoverAt === undefined) return undefined;
                const firstAfter = snap.events.find((e) => e.at >= handoverAt);
                return firstAfter ? firstAfter.at - t0 : undefined;
              }),
            ),
          (list) => list.every((ms) => ms !== undefined),
        );
        const ms = Math.round(Math.max(...(times as number[])));
        failovers.push({ kind, ms });
        console.log(`failover after the leader's ${kind}: ${ms} ms (new leader ${next?.name})`);
      }
      await run;
    }

    const last = String(first + TOTAL - 1);
    const steady = [...live].filter((t) => !disturbed.has(t));
    expect(steady.length).toBeGreaterThan(0);
    for (const tab of live) {
      await until(
        `${tab.name} to receive up to ${last}`,
        () => tab.ids(),
        (ids) => ids.at(-1) === last,
        30_000,
      );
      const ids = await tab.ids();
      if (steady.includes(tab)) {
        // Present from the start: exactly 1..N, once each, in order.
        expect(ids).toEqual(range(first, first + TOTAL - 1));
      } else {
        // Reloaded: from where it rejoined to N, with no gap or duplicate.
        const from = Number(ids[0]);
        expect(ids).toEqual(range(from, first + TOTAL - 1));
      }
    }

    // A frozen leader that wakes up after being replaced keeps no connection of its own.
    if (frozen) {
      await frozen.cdp.send('Page.setWebLifecycleState', { state: 'active' });
      await until(
        'the woken tab to follow',
        () => frozen?.tab.role(),
        (role) => role === 'follower',
      );
      server.publish({ data: 'after' });
      await sleep(500);
      expect(server.connectionCount()).toBe(1);
    }
  } finally {
    clearInterval(sampler);
  }
  console.log(
    `failovers: ${failovers.map((f) => `${f.kind} ${f.ms} ms`).join(', ')}; most streams at once: ${maxStreams}`,
  );
  expect(failovers.map((f) => f.kind)).toEqual([...DISRUPTIONS]);
  // Generous: the goal on an idle machine is 300 ms; this shared CI machine is noisy.
  for (const { ms } of failovers) expect(ms).toBeLessThan(5000);
  expect(maxStreams).toBeLessThanOrEqual(2);
  // 10 ms samples: an overlap, if any, lasted well under a second.
  expect(overlapSamples).toBeLessThan(100);
  // One stream at first, then one per failover (the reload's tab rejoins the existing one).
  expect(server.requests.length - requestsBefore).toBe(1 + DISRUPTIONS.length);
  for (const request of server.requests.slice(requestsBefore + 1)) expect(request.lastEventId).not.toBeNull();
  await context.close();
}

it('5,000 events: no event lost or duplicated in any tab while the leader is closed, reloaded and crashed', () =>
  failoverRun(['close', 'reload', 'crash'], 5000, ['d']));
