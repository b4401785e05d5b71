import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startServer, type RunningServer, type ServerOptions } from '../../../playground/server/server';
import type { ResilientEventSourceOptions, StateChange } from '../../../src';
import { launchChromium } from './chromium';

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

/** A request the page made, as Chromium saw it (`/raw` and static files are not in server.requests). */
export interface PageRequest {
  url: string;
  method: string;
  /** 'eventsource', 'fetch', 'websocket', 'script', … */
  resourceType: string;
  /** Lower-cased names; a WebSocket handshake has none here. */
  headers: Record<string, string>;
  /** Date.now() in the test process when Chromium issued it. */
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
  server: RunningServer;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Console errors and page errors seen so far (CSP violations show up here). */
  pageErrors: string[];
  /** Creates a source in the page; returns its handle. A relative URL resolves against the server. */
  create(url: string, options?: PageOptions, names?: string[]): Promise<number>;
  snapshot<Data = unknown>(id: number): Promise<Snapshot<Data>>;
  call(id: number, method: 'close' | 'reconnect'): Promise<void>;
  /** Every request the page issued so far, oldest first (cleared in place by `length = 0`). */
  pageRequests: PageRequest[];
  /** Closes every source the page created (each test can end with it, so none leaks into the next). */
  closeAll(): Promise<void>;
  /** POST /faults with `plan` (the one-shot `drop` and `restart` are only reachable this way); resolves to the answer. */
  faults(plan: Record<string, unknown>): Promise<unknown>;
  close(): Promise<void>;
}

/** The reference server on 127.0.0.1 and Chromium on the harness page (strict CSP). */
export async function openHarness(serverOptions: ServerOptions = {}): Promise<BrowserHarness> {
  // E2E_STATIC_ROOT serves /dist and /fixtures from another checkout (e.g. a build of a given commit).
  const staticRoot = process.env.E2E_STATIC_ROOT || undefined;
  const server = await startServer({
    port: 0,
    producers: false,
    heartbeatMs: 1000,
    retryMs: 100,
    staticRoot,
    staticMounts: { '/fixtures/': 'test/e2e/fixtures' },
    ...serverOptions,
  });
  const browser = await launchChromium();
  const context = await browser.newContext();
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text());
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  const pageRequests: PageRequest[] = [];
  page.on('request', (request) =>
    pageRequests.push({
      url: request.url(),
      method: request.method(),
      resourceType: request.resourceType(),
      headers: request.headers(),
      t: Date.now(),
    }),
  );
  page.on('websocket', (socket) =>
    pageRequests.push({ url: socket.url(), method: 'GET', resourceType: 'websocket', headers: {}, t: Date.now() }),
  );
  await page.goto(`${server.url}/fixtures/harness.html`);
  await page.waitForFunction(() => 'harness' in window && 'ResilientEventSource' in window);

  return {
    server,
    browser,
    context,
    page,
    pageErrors,
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
    closeAll: () => page.evaluate(() => (window as unknown as HarnessWindow).harness.closeAll()),
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
      await browser.close();
      await server.close();
    },
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

/**
 * Polls `probe` until `done` holds for what it returned, and returns that value. On timeout it throws
 * an error naming what was awaited and showing the last value seen, so a failure says what it saw.
 */
export async function until<T>(
  what: string,
  probe: () => T | Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 15_000,
): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() - start > timeoutMs) {
      const seen = JSON.stringify(value, null, 1) ?? String(value);
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${seen.length > 4000 ? `${seen.slice(0, 4000)}…` : seen}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
