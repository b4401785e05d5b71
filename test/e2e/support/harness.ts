/**
 * The e2e harness: the reference server on 127.0.0.1 and one browser (the engine E2E_ENGINE names:
 * chromium, firefox or webkit) on the harness page (strict CSP). One browser per test file.
 *
 * Engine-neutral API, for new test files:
 *   const h = await openHarness();           // server + browser + h.page on fixtures/harness.html
 *   const id = await h.create('/events', { transport: 'fetch' });
 *   await until('open', () => h.snapshot(id), (s) => s.state === 'open');
 *   await h.call(id, 'close');
 *   const other = await h.newPage('/fixtures/harness.html');  // a second tab, same browser/context
 *   await other.evaluate((x) => x + 1, 1);   // EnginePage: goto / evaluate / waitForFunction / close
 *   await h.setOffline(true);                // emulation, or the offline equivalent (recorded as such)
 *   expect(await h.pageErrors()).toEqual([]);  // in-page errors + CSP violations, every engine
 * Suites with pages of their own (tab sharing, the adapter apps): `const browser = await openBrowser()`
 * with `startFixtureServer()`, then `browser.newPage()` (every tab of one browser shares its profile).
 * `h.chromium` is the playwright browser/context (CDP, request events) and is null outside Chromium:
 * a test that needs it must say what it runs instead elsewhere (`ranAsEquivalent` in equivalents.ts).
 *
 * Porting a test written for the Chromium-only harness:
 *   h.context.newPage() + goto + waitForFunction  →  await h.newPage('/fixtures/x.html', () => 'x' in window)
 *   h.context.setOffline(v)                       →  await h.setOffline(v)
 *   h.pageErrors (array) / page.on('pageerror')   →  await h.pageErrors(page)
 *   h.context / h.browser (playwright)            →  h.chromium?.context / h.chromium?.browser (Chromium only)
 *   page.locator / page.click (playwright)        →  page.evaluate(() => document.querySelector(…)…)
 * Then add the file to E2E_SUBSET in vitest.config.ts to run it in Firefox and WebKit as well.
 */
import type { Page } from 'playwright-core';
import { startServer, type RunningServer, type ServerOptions } from '../../../playground/server/server';
import type { ResilientEventSourceOptions, StateChange } from '../../../src';
import type { ChromiumBrowser, ChromiumPage } from './engines/chromium';
import { type EngineBrowser, type EngineName, type EnginePage, currentEngine, launchEngine } from './engines/index';
import { noteEngineVersion } from './engine-versions';
import { ranAsEquivalent } from './equivalents';

/** What the in-page harness (fixtures/harness.js) records for one source. */
export interface Snapshot<Data = unknown> {
  state: StateChange['state'];
  readyState: 0 | 1 | 2;
  transport: StateChange['transport'];
  lastEventId: string;
  url: string;
  events: { type: string; data: Data; lastEventId: string; t: number }[];
  changes: (StateChange & { t: number })[];
  errors: {
    type: string;
    status?: number;
    closeCode?: number;
    eventType?: string;
    raw?: string;
    message: string;
    t: number;
  }[];
}

/**
 * A request the page made (`/raw` and static files are not in server.requests). Chromium: from its
 * request events. Firefox and WebKit: logged in the page (fixtures/page-probe.js `?record`), so
 * only the headers the page set are there (none for EventSource or WebSocket).
 */
export interface PageRequest {
  url: string;
  method: string;
  /** 'eventsource', 'fetch', 'websocket', 'script', 'xhr', … */
  resourceType: string;
  /** Lower-cased names; a WebSocket handshake has none here. */
  headers: Record<string, string>;
  /** Date.now() when it was issued. */
  t: number;
}

/** JSON-safe options only: the page receives them through page.evaluate. */
export type PageOptions = Omit<
  ResilientEventSourceOptions,
  'EventSource' | 'WebSocket' | 'fetch' | 'parse' | 'headers' | 'body'
> & {
  parse?: 'json' | 'text';
  headers?: Record<string, string>;
  body?: string;
};

export interface BrowserHarness {
  engine: EngineName;
  server: RunningServer;
  browser: EngineBrowser;
  /** Chromium's playwright objects (CDP, request events); null in Firefox and WebKit. */
  chromium: ChromiumBrowser | null;
  page: EnginePage;
  /** Uncaught errors, unhandled rejections and CSP violations in h.page (or `page`), collected in the page. */
  pageErrors(page?: EnginePage): Promise<string[]>;
  /** Creates a source in the page; returns its handle. A relative URL resolves against the server. */
  create(url: string, options?: PageOptions, names?: string[]): Promise<number>;
  snapshot<Data = unknown>(id: number): Promise<Snapshot<Data>>;
  call(id: number, method: 'close' | 'reconnect'): Promise<void>;
  /** Every request h.page issued so far, oldest first (cleared in place by `length = 0`). */
  pageRequests: PageRequest[];
  /** Brings pageRequests up to date (a no-op in Chromium, where events fill it as they happen). */
  syncRequests(): Promise<void>;
  /** Closes every source the page created (each test can end with it, so none leaks into the next). */
  closeAll(): Promise<void>;
  /** A new tab in the same browser on `path` of the server, once `ready` holds in it. */
  newPage(path: string, ready?: () => boolean): Promise<EnginePage>;
  /**
   * Offline/online for every tab: network emulation where the engine has it; in WebKit the
   * equivalent (navigator.onLine false and an `offline` event in each tab, the test cuts the stream
   * from the server), recorded for the engine table.
   */
  setOffline(offline: boolean): Promise<void>;
  /** POST /faults with `plan` (the one-shot `drop` and `restart` are only reachable this way); resolves to the answer. */
  faults(plan: Record<string, unknown>): Promise<unknown>;
  close(): Promise<void>;
}

const harnessReady = () => 'harness' in window && 'ResilientEventSource' in window;

/** The test pages: the reference server serves them only because the e2e suites ask it to. */
export const FIXTURE_MOUNTS = { '/fixtures/': 'test/e2e/fixtures' };

/** The reference server on a free loopback port as the e2e suites use it: no producers, fast heartbeats, the test pages. */
export function startFixtureServer(options: ServerOptions = {}): Promise<RunningServer> {
  return startServer({
    port: 0,
    producers: false,
    heartbeatMs: 1000,
    retryMs: 100,
    staticMounts: FIXTURE_MOUNTS,
    ...options,
  });
}

/**
 * The browser E2E_ENGINE names, for suites that bring their own pages (the tab-sharing and adapter
 * suites) rather than the harness page; its version goes into the engine table.
 */
export async function openBrowser(): Promise<EngineBrowser> {
  const browser = await launchEngine(currentEngine());
  noteEngineVersion(browser.name, browser.version);
  return browser;
}

export async function openHarness(serverOptions: ServerOptions = {}): Promise<BrowserHarness> {
  // E2E_STATIC_ROOT serves /dist and /fixtures from another checkout (e.g. a build of a given commit).
  const staticRoot = process.env.E2E_STATIC_ROOT || undefined;
  const server = await startFixtureServer({ staticRoot, ...serverOptions });
  const browser = await openBrowser();
  const engine = browser.name;
  const chromium = engine === 'chromium' ? (browser as ChromiumBrowser) : null;
  const pages = new Set<EnginePage>();
  const pageRequests: PageRequest[] = [];

  async function newPage(path: string, ready: () => boolean = () => true): Promise<EnginePage> {
    const page = await browser.newPage();
    pages.add(page);
    const close = page.close.bind(page);
    page.close = async () => {
      pages.delete(page);
      await close();
    };
    await page.goto(`${server.url}${path}`);
    await page.waitForFunction(ready);
    return page;
  }

  // Outside Chromium the harness page logs its own requests (page-probe.js), read back here.
  const page = await newPage(chromium ? '/fixtures/harness.html' : '/fixtures/harness.html?record', harnessReady);
  if (chromium) recordChromiumRequests((page as ChromiumPage).playwright, pageRequests);
  const syncRequests = async (): Promise<void> => {
    if (chromium) return;
    pageRequests.push(...(await page.evaluate(() => (window as unknown as ProbeWindow).pageProbe.takeRequests())));
  };
  let syncing: Promise<void> | null = null;
  const poller = chromium
    ? undefined
    : setInterval(() => {
        if (syncing) return;
        syncing = syncRequests()
          .catch(() => undefined)
          .finally(() => {
            syncing = null;
          });
      }, 100);

  return {
    engine,
    server,
    browser,
    chromium,
    page,
    async pageErrors(target = page) {
      const inPage = await target.evaluate(() => (window as unknown as ProbeWindow).pageProbe.errors());
      return [...target.driverErrors, ...inPage];
    },
    create: (url, options = {}, names = ['message']) =>
      page.evaluate(([u, o, n]) => (window as unknown as HarnessWindow).harness.create(u, o, n), [
        url,
        options,
        names,
      ] as const),
    snapshot: <Data>(id: number) =>
      page.evaluate((i) => (window as unknown as HarnessWindow).harness.snapshot(i), id) as Promise<Snapshot<Data>>,
    call: (id, method) =>
      page.evaluate(([i, m]) => (window as unknown as HarnessWindow).harness.call(i, m), [id, method] as const),
    pageRequests,
    syncRequests,
    closeAll: () => page.evaluate(() => (window as unknown as HarnessWindow).harness.closeAll()),
    newPage,
    async setOffline(offline) {
      if (browser.setOffline) {
        await browser.setOffline(offline);
        return;
      }
      if (offline) ranAsEquivalent('no network emulation: navigator.onLine forced false + offline event, server cuts');
      await Promise.all(
        [...pages].map((p) =>
          p.evaluate((o) => (window as unknown as ProbeWindow).pageProbe.setOffline(o), offline).catch(() => undefined),
        ),
      );
    },
    async faults(plan) {
      const response = await fetch(`${server.url}/faults`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(plan),
      });
      const answer: unknown = await response.json();
      if (response.status !== 200)
        throw new Error(`POST /faults ${JSON.stringify(plan)} answered ${response.status}: ${JSON.stringify(answer)}`);
      return answer;
    },
    async close() {
      clearInterval(poller);
      // A read still in flight would reach a browser already gone.
      await syncing;
      await browser.close();
      await server.close();
    },
  };
}

function recordChromiumRequests(page: Page, into: PageRequest[]): void {
  page.on('request', (request) =>
    into.push({
      url: request.url(),
      method: request.method(),
      resourceType: request.resourceType(),
      headers: request.headers(),
      t: Date.now(),
    }),
  );
  page.on('websocket', (socket) =>
    into.push({ url: socket.url(), method: 'GET', resourceType: 'websocket', headers: {}, t: Date.now() }),
  );
}

/** fixtures/page-probe.js, on every test page. */
export interface ProbeWindow {
  pageProbe: {
    errors(): string[];
    takeRequests(): PageRequest[];
    setOffline(offline: boolean): void;
  };
}

interface HarnessWindow {
  harness: {
    create(url: string, options: PageOptions, names: readonly string[]): number;
    snapshot(id: number): Snapshot;
    call(id: number, method: string): void;
    closeAll(): void;
  };
}

/** The one wait helper of every suite (label, probe, done, timeout), re-exported for the e2e files. */
export { until } from '../../support/wait';
