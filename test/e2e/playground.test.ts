/**
 * The playground page in a real Chromium: it loads the UMD bundle under the server's strict CSP,
 * survives a drop and a stall (found by the heartbeat timeout), and its counters prove that
 * every published event arrived exactly once.
 */
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, ConsoleMessage, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../playground/server/server.js';
import { launchChromium } from './support/chromium.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const UMD = `${ROOT}dist/resilient-eventsource.umd.min.js`;
const SCREENSHOT = `${ROOT}test-results/playground.png`;
const WAIT = { timeout: 30_000 };

/** Events the page is expected to count (what this test published, by any route). */
let published = 0;
let server: RunningServer;
let browser: Browser;
let page: Page;
const problems: string[] = [];

/**
 * Chromium logs every failed request as a console error. The faults break the stream on purpose,
 * so those are expected; anything else (script errors, CSP refusals) is a real problem.
 */
function isInjectedStreamFailure(message: ConsoleMessage): boolean {
  const { pathname } = new URL(message.location().url || 'about:blank', 'http://x');
  return /^Failed to load resource/.test(message.text()) && (pathname === '/events' || pathname === '/ws');
}

async function publishFromNode(count: number, offset: number): Promise<void> {
  const names = ['message', 'price', 'server-time', 'chat'];
  const batch = Array.from({ length: count }, (_, i) => ({ event: names[i % names.length], data: { n: offset + i } }));
  const response = await fetch(`${server.url}/publish`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(batch),
  });
  expect(response.status).toBe(200);
  published += count;
}

const counter = (id: string): Promise<number> => page.locator(`#${id}`).textContent().then(Number);

/** Waits until the page shows every published event (the DOM, as a user would see it). */
async function waitForAllReceived(): Promise<void> {
  await page.waitForFunction(
    (n) => Number(document.getElementById('count-received')?.textContent) === n,
    published,
    WAIT,
  );
}

const waitForState = (state: string): Promise<unknown> =>
  page.waitForFunction((s) => document.getElementById('state')?.textContent === s, state, WAIT);

beforeAll(async () => {
  if (!existsSync(UMD)) execSync('npm run build', { cwd: ROOT, stdio: 'inherit' });
  server = await startServer({ port: 0, producers: false, heartbeatMs: 1000 });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('console', (message) => {
    if (message.type() === 'error' && !isInjectedStreamFailure(message)) problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('playground page', () => {
  it('loads under the CSP with the UMD global and uPlot', async () => {
    await page.goto(server.url);
    await page.waitForFunction(() => 'playground' in window);
    expect(
      await page.evaluate(() => typeof (window as unknown as { ResilientEventSource: unknown }).ResilientEventSource),
    ).toBe('function');
    expect(await page.locator('#chart .uplot').count()).toBe(1);
  });

  it('connects with the options set in the controls', async () => {
    await page.fill('#opt-heartbeat', '3000');
    await page.fill('#opt-initial-delay', '100');
    await page.fill('#opt-max-delay', '1000');
    await page.click('#btn-connect');
    await waitForState('open');
    // 'auto' prefers the fetch transport wherever fetch streams (README, Transports).
    expect(await page.locator('#current-transport').textContent()).toBe('fetch');
  });

  it('counts events published from the box and from Node', async () => {
    await page.fill('#publish-event', 'chat');
    await page.fill('#publish-data', '{"from":"box"}');
    await page.fill('#publish-count', '3');
    await page.click('#publish-button');
    await page.waitForFunction(
      () => document.getElementById('publish-status')?.textContent?.startsWith('published'),
      null,
      WAIT,
    );
    published += 3;
    await page.fill('#publish-event', '');
    await page.fill('#publish-data', 'plain text');
    await page.fill('#publish-count', '1');
    await page.click('#publish-button');
    await page.waitForFunction(
      () => document.getElementById('publish-status')?.textContent === `published id 4`,
      null,
      WAIT,
    );
    published += 1;
    await publishFromNode(40, 0);
    await waitForAllReceived();
    expect(await counter('count-gaps')).toBe(0);
  });

  it('recovers from a drop and resumes without loss', async () => {
    await page.click('#fault-drop');
    await publishFromNode(20, 100);
    await page.waitForFunction(() => Number(document.getElementById('count-reconnects')?.textContent) >= 1, null, WAIT);
    await waitForState('open');
    await waitForAllReceived();
    await page.waitForFunction(() => document.getElementById('recover-ms')?.textContent?.endsWith(' ms'), null, WAIT);
  });

  it('detects a stall by heartbeat timeout and recovers after it', async () => {
    await page.fill('#fault-stall-seconds', '5');
    await page.click('#fault-stall');
    await page.waitForFunction(() => document.getElementById('recover-ms')?.textContent === 'waiting…', null, WAIT);
    await publishFromNode(20, 200);
    // Nothing arrives while stalled: only the heartbeat timeout can notice.
    await page.waitForFunction(
      () => document.getElementById('timeline')?.textContent?.includes('heartbeat-timeout'),
      null,
      WAIT,
    );
    await waitForState('open');
    await waitForAllReceived();
    await publishFromNode(10, 300);
    await waitForAllReceived();
    await page.waitForFunction(() => document.getElementById('recover-ms')?.textContent?.endsWith(' ms'), null, WAIT);
  });

  it('stays responsive with thousands of events and caps the log', async () => {
    await publishFromNode(3000, 1000);
    await waitForAllReceived();
    // The page still answers promptly and the DOM holds at most the capped rows.
    const rows = await page.locator('#event-log > li').count();
    expect(rows).toBeGreaterThan(0);
    expect(rows).toBeLessThanOrEqual(200);
  });

  it('shows full recovery in the counters', async () => {
    expect(await counter('count-received')).toBe(published);
    expect(await counter('count-gaps')).toBe(0);
    expect(await counter('count-duplicates')).toBe(0);
    expect(await counter('count-reconnects')).toBeGreaterThanOrEqual(2);
    expect(await page.locator('#state').textContent()).toBe('open');
    expect(await page.locator('#last-event-id').textContent()).toBe(String(server.log.lastId));
    const counters = await page.evaluate(
      () => (window as unknown as { playground: { counters: Record<string, unknown> } }).playground.counters,
    );
    expect(counters).toMatchObject({ received: published, gaps: 0, duplicates: 0, state: 'open' });

    mkdirSync(`${ROOT}test-results`, { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
  });

  it('runs without its chart where uPlot does not load (WebKit under the C locale, a blocked script)', async () => {
    const bare = await browser.newPage();
    try {
      await bare.route('**/vendor/uplot/uPlot.iife.min.js', (route) => route.abort());
      const errors: string[] = [];
      bare.on('pageerror', (error) => errors.push(error.message));
      await bare.goto(server.url);
      await bare.waitForFunction(() => 'playground' in window, undefined, WAIT);
      expect(await bare.locator('#chart[data-unavailable]').count()).toBe(1);
      await bare.click('#btn-connect');
      await bare.waitForFunction(() => document.getElementById('state')?.textContent === 'open', undefined, WAIT);
      expect(errors).toEqual([]);
    } finally {
      await bare.close();
    }
  });

  it('logged no console errors and no CSP violations', async () => {
    // Self-contained, so it proves something when it runs alone: it loads the page and connects
    // itself, after proving with a deliberate violation that the page's listener works.
    const isProbe = (line: string): boolean => line.includes('127.0.0.1:59999');
    const violations = () =>
      page.evaluate(() => (window as unknown as { playground: { cspViolations: string[] } }).playground.cspViolations);
    await page.goto(server.url);
    await page.waitForFunction(() => 'playground' in window);
    await page.evaluate(() => {
      new Image().src = 'http://127.0.0.1:59999/csp-probe.png';
    });
    await expect.poll(async () => (await violations()).filter(isProbe).length, WAIT).toBe(1);
    await page.click('#btn-connect');
    await waitForState('open');
    expect(
      (await violations()).filter((line) => !isProbe(line)),
      'CSP violations',
    ).toEqual([]);
    expect(
      problems.filter((line) => !isProbe(line)),
      'console errors and page errors',
    ).toEqual([]);
  });
});
