import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../chromium';
import type { EngineBrowser, EnginePage } from './types';

/** Chromium through playwright-core (Debian's binary): the engine with DevTools (CDP) on top. */
export interface ChromiumBrowser extends EngineBrowser {
  readonly name: 'chromium';
  readonly browser: Browser;
  readonly context: BrowserContext;
  newPage(): Promise<ChromiumPage>;
}
export interface ChromiumPage extends EnginePage {
  /** The playwright page, for what only Chromium offers (CDP sessions, request events). */
  readonly playwright: Page;
}

export function wrapChromiumPage(page: Page): ChromiumPage {
  // Uncaught errors only: Chromium's console also logs every failed request, which the fault tests
  // cause on purpose; CSP violations reach the in-page listener (fixtures/page-probe.js).
  const driverErrors: string[] = [];
  page.on('pageerror', (error) => driverErrors.push(`${error.name}: ${error.message}`));
  return {
    playwright: page,
    driverErrors,
    goto: async (url) => {
      await page.goto(url);
    },
    reload: async () => {
      await page.reload();
    },
    evaluate: <R, A>(fn: (arg: A) => R | Promise<R>, arg?: A) =>
      page.evaluate(fn as (arg: unknown) => R | Promise<R>, arg) as Promise<R>,
    waitForFunction: async (fn, arg, timeoutMs = 30_000) => {
      await page.waitForFunction(fn as (arg: unknown) => unknown, arg, { timeout: timeoutMs });
    },
    close: () => page.close(),
  };
}

export async function launchChromiumEngine(): Promise<ChromiumBrowser> {
  const browser = await launchChromium();
  const context = await browser.newContext();
  return {
    name: 'chromium',
    version: `chromium ${browser.version()}`,
    browser,
    context,
    newPage: async () => wrapChromiumPage(await context.newPage()),
    setOffline: (offline) => context.setOffline(offline),
    close: () => browser.close(),
  };
}
