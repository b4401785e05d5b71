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
  errors: { type: string; status?: number; closeCode?: number; eventType?: string; raw?: string; message: string; t: number }[];
}

/** JSON-safe options only: the page receives them through page.evaluate. */
export type PageOptions = Omit<ResilientEventSourceOptions, 'EventSource' | 'WebSocket' | 'fetch' | 'parse' | 'headers' | 'body'> & {
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
  close(): Promise<void>;
}

/** The reference server on 127.0.0.1 and Chromium on the harness page (strict CSP). */
export async function openHarness(serverOptions: ServerOptions = {}): Promise<BrowserHarness> {
  const server = await startServer({ port: 0, producers: false, heartbeatMs: 1000, retryMs: 100, ...serverOptions });
  const browser = await launchChromium();
  const context = await browser.newContext();
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text());
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`${server.url}/fixtures/harness.html`);
  await page.waitForFunction(() => 'harness' in window && 'ResilientEventSource' in window);

  return {
    server,
    browser,
    context,
    page,
    pageErrors,
    create: (url, options = {}, names = ['message']) =>
      page.evaluate(([u, o, n]) => (window as unknown as HarnessWindow).harness.create(u, o, n), [url, options, names] as const),
    snapshot: <Data>(id: number) =>
      page.evaluate((i) => (window as unknown as HarnessWindow).harness.snapshot(i), id) as Promise<Snapshot<Data>>,
    call: (id, method) => page.evaluate(([i, m]) => (window as unknown as HarnessWindow).harness.call(i, m), [id, method] as const),
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
  };
}
