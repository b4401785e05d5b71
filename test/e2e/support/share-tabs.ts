/**
 * Tabs of one browser on the harness page (fixtures/harness.js), for the `share` tests: each tab
 * creates sources, and Node reads back their events (with wall-clock receive times), state changes,
 * errors and role. Every tab of one browser shares its profile, so Web Locks, BroadcastChannel and
 * localStorage are common to them (engines/: Chromium one context, Firefox the default user
 * context, WebKit tabs of one session).
 *
 * `Tab.open(browser, …)` takes an engine's browser (EngineBrowser) and gives Tab<EnginePage>, for
 * every engine. `Tab.open(context, …)` takes a playwright BrowserContext and gives Tab<Page> (the
 * default), whose `page` is playwright's own: the Chromium-only failover suite crashes and freezes
 * tabs through CDP.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { RunningServer } from '../../../playground/server/server';
import { wrapChromiumPage } from './engines/chromium';
import { currentEngine, type EngineBrowser, type EnginePage } from './engines/index';
import type { PageOptions, Snapshot } from './harness';

export interface TabEvent {
  type: string;
  id: string;
  data: unknown;
  /** Wall-clock receive time (epoch ms), comparable with Date.now() in Node. */
  at: number;
}

export interface TabSnapshot extends Omit<Snapshot, 'events'> {
  role: 'leader' | 'follower' | null;
  events: TabEvent[];
}

interface PageRecord {
  source: { role: TabSnapshot['role']; close(): void; reconnect(): void };
  events: { type: string; data: unknown; lastEventId: string; t: number }[];
}

interface TabWindow {
  harness: {
    create(url: string, options: PageOptions, names: readonly string[]): number;
    snapshot(id: number): Snapshot;
    records: Map<number, PageRecord>;
  };
}

export class Tab<P = Page> {
  private loaded = false;

  /** `page` is what the caller drives; `driver` is the same tab behind the engine-neutral interface. */
  constructor(
    readonly page: P,
    private readonly driver: EnginePage,
    readonly name: string,
  ) {}

  static open(browser: Pick<EngineBrowser, 'newPage'>, server: RunningServer, name: string): Promise<Tab<EnginePage>>;
  static open(context: BrowserContext, server: RunningServer, name: string): Promise<Tab<Page>>;
  static async open(
    opener: Pick<EngineBrowser, 'newPage'> | BrowserContext,
    server: RunningServer,
    name: string,
  ): Promise<Tab<EnginePage> | Tab<Page>> {
    let tab: Tab<EnginePage> | Tab<Page>;
    if ('newCDPSession' in opener) {
      const page = await opener.newPage();
      tab = new Tab(page, wrapChromiumPage(page), name);
    } else {
      const page = await opener.newPage();
      tab = new Tab(page, page, name);
    }
    await tab.load(server);
    return tab;
  }

  /** Loads the harness page, or reloads it once loaded (sessionStorage survives a reload). */
  async load(server: RunningServer): Promise<void> {
    if (this.loaded) await this.driver.reload();
    else await this.driver.goto(`${server.url}/fixtures/harness.html`);
    this.loaded = true;
    await this.driver.waitForFunction(() => 'harness' in window && 'ResilientEventSource' in window);
  }

  /** Runs `fn(arg)` in the tab (any engine). */
  evaluate<R>(fn: () => R | Promise<R>): Promise<R>;
  evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
  evaluate<R, A>(fn: (arg?: A) => R | Promise<R>, arg?: A): Promise<R> {
    return this.driver.evaluate(fn, arg);
  }

  /** Navigates the tab elsewhere (it is no longer on the harness page until `load`). */
  goto(url: string): Promise<void> {
    return this.driver.goto(url);
  }

  close(): Promise<void> {
    return this.driver.close();
  }

  create(url: string, options: PageOptions = {}, names: string[] = ['message']): Promise<number> {
    return this.driver.evaluate(([u, o, n]) => (window as unknown as TabWindow).harness.create(u, o, n), [
      url,
      options,
      names,
    ] as const);
  }

  snapshot(id = 1): Promise<TabSnapshot> {
    return this.driver.evaluate((i) => {
      const { harness } = window as unknown as TabWindow;
      const record = harness.records.get(i);
      if (!record) throw new Error(`no source ${i}`);
      const { events: _, ...rest } = harness.snapshot(i);
      return {
        ...rest,
        role: record.source.role,
        events: record.events.map((e) => ({
          type: e.type,
          id: e.lastEventId,
          data: e.data,
          at: performance.timeOrigin + e.t,
        })),
      };
    }, id);
  }

  role(id = 1): Promise<TabSnapshot['role']> {
    return this.driver.evaluate(
      (i) => (window as unknown as TabWindow).harness.records.get(i)?.source.role ?? null,
      id,
    );
  }

  /** Ids of the events received so far (a cheap read for polling). */
  ids(id = 1): Promise<string[]> {
    return this.driver.evaluate(
      (i) => (window as unknown as TabWindow).harness.records.get(i)?.events.map((e) => e.lastEventId) ?? [],
      id,
    );
  }

  call(method: 'close' | 'reconnect', id = 1): Promise<void> {
    return this.driver.evaluate(([i, m]) => (window as unknown as TabWindow).harness.records.get(i)?.source[m](), [
      id,
      method,
    ] as const);
  }
}

/** Finds the one tab whose source leads; throws if none or several do. */
export async function leaderOf<T extends Tab<unknown>>(tabs: T[], id = 1): Promise<T | undefined> {
  const roles = await Promise.all(tabs.map((tab) => tab.role(id)));
  const leaders = tabs.filter((_, i) => roles[i] === 'leader');
  if (leaders.length > 1) throw new Error(`several leaders: ${leaders.map((t) => t.name).join(', ')}`);
  return leaders[0];
}

/** Ids 1..n as strings. */
export const range = (from: number, to: number): string[] =>
  Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => String(from + i));

/**
 * Firefox and WebKit abort a leaving page's streams before its pagehide (README, Browsers and engines):
 * the leader's stream fails an instant before it steps down, so every tab records one network error and
 * one 'reconnecting' (reason network, attempt 1) before the handover, which is still attempt 0 with no
 * delay. Chromium fires pagehide first. Returns what a tab recorded without that one drop (its attempt
 * checked); in Chromium, all of it.
 */
export function withoutAbortedStream<
  C extends { state: string; reason: string; attempt: number },
  E extends { type: string },
>(changes: C[], errors: E[] = []): { changes: C[]; errors: E[] } {
  if (currentEngine() === 'chromium') return { changes, errors };
  const dropped = changes.findIndex((c) => c.state === 'reconnecting' && c.reason === 'network');
  if (dropped >= 0) expect(changes[dropped], "the leaving page's aborted stream").toMatchObject({ attempt: 1 });
  const networkError = errors.findIndex((e) => e.type === 'network');
  return { changes: changes.filter((_, i) => i !== dropped), errors: errors.filter((_, i) => i !== networkError) };
}
