/**
 * The playground in three tabs of one browser: one connection on the server's status line, each tab
 * showing its role; closing the leader's tab lets another take over with no gap and no duplicate.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../playground/server/server';
import { launchChromium } from './support/chromium';
import { until } from './support/harness';

const WAIT = { timeout: 30_000 };
let server: RunningServer;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  server = await startServer({ port: 0, producers: false, heartbeatMs: 1000 });
  browser = await launchChromium();
  context = await browser.newContext();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const text = (page: Page, id: string): Promise<string> =>
  page
    .locator(`#${id}`)
    .textContent()
    .then((value) => value ?? '');

async function publish(count: number): Promise<void> {
  const response = await fetch(`${server.url}/publish`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(Array.from({ length: count }, (_, n) => ({ data: { n } }))),
  });
  expect(response.status).toBe(200);
}

const received = (page: Page, n: number) =>
  page.waitForFunction((want) => Number(document.getElementById('count-received')?.textContent) === want, n, WAIT);

it('three playground tabs: one connection, each tab shows its role, the leader tab closes without a gap', async () => {
  const tabs: Page[] = [];
  for (let i = 0; i < 3; i++) {
    const page = await context.newPage();
    await page.goto(server.url);
    await page.waitForFunction(() => 'playground' in window);
    tabs.push(page);
  }
  const roles = await until(
    'every tab to show its role',
    () => Promise.all(tabs.map((page) => text(page, 'share-role'))),
    (seen) => seen.every((role) => role === 'leader' || role === 'follower'),
  );
  expect(roles.filter((role) => role === 'leader')).toHaveLength(1);
  await until(
    'the status line to show one connection',
    () => text(tabs[0] as Page, 'server-line'),
    (line) => line.startsWith('server: 1 SSE + 0 WS connections'),
  );
  expect(server.connectionCount()).toBe(1);

  await publish(30);
  for (const page of tabs) await received(page, 30);
  const leader = tabs[roles.indexOf('leader')] as Page;
  await leader.close();
  const rest = tabs.filter((page) => page !== leader);
  await until(
    'another tab to lead',
    () => Promise.all(rest.map((page) => text(page, 'share-role'))),
    (seen) => seen.includes('leader'),
  );
  await publish(30);
  for (const page of rest) {
    await received(page, 60);
    expect(await text(page, 'count-gaps')).toBe('0');
    expect(await text(page, 'count-duplicates')).toBe('0');
  }
  await until(
    'one connection again',
    () => server.connectionCount(),
    (n) => n === 1,
  );
});
