/**
 * `share` and the back/forward cache, in every engine: the leader tab navigates away while numbered
 * events flow and is kept in the cache; the other tabs take over at its `pagehide` (no backoff, no
 * attempt, nothing lost); then the user goes back, the page is restored (`pageshow` with `persisted`),
 * rejoins as a follower and gets from the new leader the events it missed while cached. Every tab ends
 * with every event once and in order, over one stream.
 *
 * Chromium runs with its cache on (playwright turns it off by default) and must restore the page. An
 * engine that reloads the page instead (Firefox ESR here, which gives no reason) runs the equivalent
 * and says so: the fresh page creates its source again and, with `persist`, gets from the leader
 * everything after the last id it had.
 */
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningServer } from '../../playground/server/server';
import { launchChromium } from './support/chromium';
import { currentEngine, type EngineBrowser } from './support/engines/index';
import { ranAsEquivalent } from './support/equivalents';
import { openBrowser, startFixtureServer, until } from './support/harness';
import { leaderOf, range, Tab, withoutAbortedStream } from './support/share-tabs';

let server: RunningServer;
/** Chromium: playwright's, launched with the cache on. Firefox and WebKit: the engine-neutral one. */
let browser: Browser | EngineBrowser;
let context: BrowserContext | undefined;

beforeAll(async () => {
  server = await startFixtureServer({ capacity: 10_000 });
  if (currentEngine() === 'chromium') {
    const chromium = await launchChromium({ backForwardCache: true });
    browser = chromium;
    context = await chromium.newContext();
  } else browser = await openBrowser();
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
});

const openTab = (name: string): Promise<Tab<unknown>> =>
  context ? Tab.open(context, server, name) : Tab.open(browser as EngineBrowser, server, name);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Publishes numbered events, 10 every 40 ms (so a page away for a few seconds misses fewer than the
 * 1,000 the tabs keep), until `run.stop` is set; `run.published` counts them.
 */
async function publishUntilStopped(run: { published: number; stop: boolean }): Promise<void> {
  while (!run.stop) {
    for (let j = 0; j < 10; j++) {
      server.publish({ data: run.published });
      run.published++;
    }
    await sleep(40);
  }
}

interface PageTransitions {
  hidden: boolean[];
  shown: boolean[];
}

/** The harness page's globals this test reads. */
interface PageState {
  transitions: PageTransitions;
  harness: { records: Map<number, { events: { lastEventId: string }[] }> };
}

it('a leader kept in the back/forward cache hands over at pagehide; restored, it follows and gets what it missed', async () => {
  const options = { share: true, persist: 'session' } as const;
  const tabs: Tab<unknown>[] = [];
  for (const name of ['a', 'b', 'c']) {
    const tab = await openTab(name);
    await tab.create('/events', options);
    await until(
      `${name} to know its role`,
      () => tab.role(),
      (role) => role !== null,
    );
    tabs.push(tab);
  }
  const leader = await leaderOf(tabs);
  if (!leader) throw new Error('no leader');
  const others = tabs.filter((tab) => tab !== leader);
  await until(
    'one stream for three tabs',
    () => server.connectionCount(),
    (n) => n === 1,
  );
  const requests = server.requests.length;
  // What the page saw of its own transitions (`persisted` of each pagehide and pageshow), and the last id
  // it had when it left (kept where a reloaded page finds it).
  await leader.evaluate(() => {
    const seen: PageTransitions = { hidden: [], shown: [] };
    const page = window as unknown as PageState;
    page.transitions = seen;
    addEventListener('pagehide', (event) => {
      seen.hidden.push(event.persisted);
      sessionStorage.setItem('idAtPagehide', page.harness.records.get(1)?.events.at(-1)?.lastEventId ?? '');
    });
    addEventListener('pageshow', (event) => seen.shown.push(event.persisted));
  });

  const first = server.log.lastId + 1;
  const run = { published: 0, stop: false };
  const publishing = publishUntilStopped(run);
  await until(
    'some events published',
    () => run.published,
    (n) => n >= 200,
  );
  const t0 = Date.now();
  // Through the driver, which returns once the other page has loaded: no call reaches a page mid-navigation.
  const leaving = leader.goto(`${server.url}/fixtures/harness.html?away`);
  const next = await until(
    'another tab to lead',
    () => leaderOf(others),
    (tab) => tab !== undefined,
  );
  console.log(`the leader went away; ${next?.name} leads ${Date.now() - t0} ms later (polled)`);
  await leaving;
  // Back by the page itself: a driver's own "back" waits for a load event that a restored page never fires.
  await leader.evaluate(() => {
    setTimeout(() => history.back());
  });
  // Restored from the cache: the same document with its script state (`transitions`). Reloaded instead: a
  // fresh page, with Chromium's reasons for not restoring it (other engines give none).
  const back = await until(
    'the page to be shown again',
    () =>
      leader
        .evaluate(() => {
          const seen = (window as unknown as Partial<PageState>).transitions;
          if (seen) return seen.shown.length > 0 ? { transitions: seen } : null;
          // Still the other page (history.back() is not instant), or the page not loaded yet.
          if (location.search === '?away' || !('harness' in window)) return null;
          const [navigation] = performance.getEntriesByType('navigation') as (PerformanceEntry & {
            notRestoredReasons?: unknown;
          })[];
          return { notRestored: JSON.stringify(navigation?.notRestoredReasons ?? null) };
        })
        .catch(() => null),
    (seen) => seen !== null,
  );
  if (!back) throw new Error('unreachable: until() returns a non-null value');
  const idAtPagehide = await leader.evaluate(() => sessionStorage.getItem('idAtPagehide'));
  expect(idAtPagehide, 'the last id the page had when it left').toMatch(/^[0-9]+$/);
  /** The first event the tab that left has in its page: a restored one has all; a reloaded one, those after it left. */
  let leaderFrom = first;
  if ('notRestored' in back && currentEngine() !== 'chromium') {
    ranAsEquivalent(
      `back/forward cache: ${currentEngine()} reloaded the page instead of restoring it (reasons given: ${back.notRestored}); the fresh page created its source again and, with persist, got from the leader what it missed`,
    );
    leaderFrom = Number(idAtPagehide) + 1;
    await leader.create('/events', options);
  } else {
    expect(back, 'restored from the back/forward cache: pagehide and pageshow both persisted').toEqual({
      transitions: { hidden: [true], shown: [true] },
    });
  }
  await until(
    'the tab that came back to follow',
    () => leader.role(),
    (role) => role === 'follower',
  );
  // Events go on after its return: then it has them from the leader's channel as every other tab does.
  const whenBack = run.published;
  // Else this run proves nothing about catching up.
  expect(first + whenBack - 1, 'events published while the page was away').toBeGreaterThan(Number(idAtPagehide));
  await until(
    'more events after its return',
    () => run.published,
    (n) => n >= whenBack + 200,
  );
  run.stop = true;
  await publishing;
  const last = first + run.published - 1;
  console.log(
    `the page left after id ${idAtPagehide}; ${first + whenBack - 1} was published by its return, ${last} in all`,
  );

  for (const tab of tabs) {
    await until(
      `${tab.name} to receive up to ${last}`,
      () => tab.ids().then((ids) => ids.at(-1)),
      (id) => id === String(last),
    );
    expect(await tab.ids(), `${tab.name}'s events`).toEqual(range(tab === leader ? leaderFrom : first, last));
    const { errors, changes, state } = await tab.snapshot();
    const aborted = withoutAbortedStream(changes, errors);
    expect(aborted.errors, `${tab.name}'s errors`).toEqual([]);
    // A handover is not a failure: no attempt used and no delay, in any tab.
    for (const change of aborted.changes.filter((c) => c.reason === 'handover')) {
      expect(change).toMatchObject({ attempt: 0, delay: 0 });
    }
    // The tabs that stayed saw the handover; the one that left saw nothing of it, and is open again.
    const reconnects = aborted.changes.filter((c) => c.state === 'reconnecting').map((c) => c.reason);
    expect(reconnects, `${tab.name}'s reconnects`).toEqual(tab === leader ? [] : ['handover']);
    expect(state).toBe('open');
  }
  expect(server.connectionCount(), 'one stream again').toBe(1);
  expect(server.requests.length - requests, "the new leader's stream only").toBe(1);
  expect(server.requests.at(-1)?.lastEventId).not.toBeNull();
});
