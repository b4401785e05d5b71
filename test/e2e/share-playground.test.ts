/**
 * The playground in three tabs of one browser, in every engine: one connection on the server's status
 * line, each tab showing its role; closing the leader's tab lets another take over with no gap and no
 * duplicate.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../playground/server/server';
import type { EngineBrowser, EnginePage } from './support/engines/index';
import { openBrowser, until } from './support/harness';

let server: RunningServer;
let browser: EngineBrowser;

beforeAll(async () => {
  server = await startServer({ port: 0, producers: false, heartbeatMs: 1000 });
  browser = await openBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const text = (page: EnginePage, id: string): Promise<string> =>
  page.evaluate((which) => document.getElementById(which)?.textContent ?? '', id);

async function publish(count: number): Promise<void> {
  const response = await fetch(`${server.url}/publish`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(Array.from({ length: count }, (_, n) => ({ data: { n } }))),
  });
  expect(response.status).toBe(200);
}

const received = (page: EnginePage, n: number) =>
  page.waitForFunction((want) => Number(document.getElementById('count-received')?.textContent) === want, n);

it('three playground tabs: one connection, each tab shows its role, the leader tab closes without a gap', async () => {
  const tabs: EnginePage[] = [];
  for (let i = 0; i < 3; i++) {
    const page = await browser.newPage();
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
    () => text(tabs[0] as EnginePage, 'server-line'),
    (line) => line.startsWith('server: 1 SSE + 0 WS connections'),
  );
  expect(server.connectionCount()).toBe(1);

  await publish(30);
  for (const page of tabs) await received(page, 30);
  const leader = tabs[roles.indexOf('leader')] as EnginePage;
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
  for (const page of rest) await page.close();
});
