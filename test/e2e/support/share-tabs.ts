/**
 * Tabs of one Chromium context on the harness page (fixtures/harness.js), for the `share` tests:
 * each tab creates sources, and Node reads back their events (with wall-clock receive times),
 * state changes, errors and role.
 */
import type { BrowserContext, Page } from 'playwright-core';
import type { RunningServer } from '../../../playground/server/server';
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

export class Tab {
  constructor(
    readonly page: Page,
    readonly name: string,
  ) {}

  static async open(context: BrowserContext, server: RunningServer, name: string): Promise<Tab> {
    const page = await context.newPage();
    const tab = new Tab(page, name);
    await tab.load(server);
    return tab;
  }

  async load(server: RunningServer): Promise<void> {
    if (this.page.url().startsWith(server.url)) await this.page.reload();
    else await this.page.goto(`${server.url}/fixtures/harness.html`);
    await this.page.waitForFunction(() => 'harness' in window && 'ResilientEventSource' in window);
  }

  /** Runs before the page's scripts on every later load (e.g. removing navigator.locks). */
  create(url: string, options: PageOptions = {}, names: string[] = ['message']): Promise<number> {
    return this.page.evaluate(([u, o, n]) => (window as unknown as TabWindow).harness.create(u, o, n), [
      url,
      options,
      names,
    ] as const);
  }

  snapshot(id = 1): Promise<TabSnapshot> {
    return this.page.evaluate((i) => {
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
    return this.page.evaluate((i) => (window as unknown as TabWindow).harness.records.get(i)?.source.role ?? null, id);
  }

  /** Ids of the events received so far (a cheap read for polling). */
  ids(id = 1): Promise<string[]> {
    return this.page.evaluate(
      (i) => (window as unknown as TabWindow).harness.records.get(i)?.events.map((e) => e.lastEventId) ?? [],
      id,
    );
  }

  call(method: 'close' | 'reconnect', id = 1): Promise<void> {
    return this.page.evaluate(([i, m]) => (window as unknown as TabWindow).harness.records.get(i)?.source[m](), [
      id,
      method,
    ] as const);
  }
}

/** Finds the one tab whose source leads; throws if none or several do. */
export async function leaderOf(tabs: Tab[], id = 1): Promise<Tab | undefined> {
  const roles = await Promise.all(tabs.map((tab) => tab.role(id)));
  const leaders = tabs.filter((_, i) => roles[i] === 'leader');
  if (leaders.length > 1) throw new Error(`several leaders: ${leaders.map((t) => t.name).join(', ')}`);
  return leaders[0];
}

/** Ids 1..n as strings. */
export const range = (from: number, to: number): string[] =>
  Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => String(from + i));
