import { existsSync } from 'node:fs';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { type EngineBrowser, type EnginePage, pollUntil } from './types';

/** Debian's firefox-esr; FIREFOX_PATH overrides. Never a downloaded browser. */
export function firefoxPath(): string {
  const found = [process.env.FIREFOX_PATH, '/usr/bin/firefox-esr', '/usr/bin/firefox'].find(
    (path): path is string => Boolean(path) && existsSync(path as string),
  );
  if (!found) throw new Error('Firefox not found: apt-get install -y firefox-esr (or set FIREFOX_PATH)');
  return found;
}

function wrap(page: Page): EnginePage {
  return {
    // Not puppeteer's 'pageerror': over BiDi it also carries Firefox's network console errors
    // ("can't establish a connection"). The in-page probe collects uncaught errors and rejections.
    driverErrors: [],
    goto: async (url) => {
      await page.goto(url);
    },
    reload: async () => {
      await page.reload();
    },
    evaluate: <R, A>(fn: (arg: A) => R | Promise<R>, arg?: A) =>
      page.evaluate(fn as (arg: unknown) => R | Promise<R>, arg) as Promise<R>,
    waitForFunction: (fn, arg, timeoutMs = 30_000) =>
      pollUntil(String(fn), () => page.evaluate(fn as (arg: unknown) => unknown, arg), timeoutMs),
    close: () => page.close(),
  };
}

/** Firefox over WebDriver BiDi (puppeteer-core 24, which runs on Node 20): no geckodriver needed. */
export async function launchFirefoxEngine(): Promise<EngineBrowser> {
  const browser: Browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: firefoxPath(),
    headless: true,
    // No telemetry, updates or captive-portal probes on this closed network.
    extraPrefsFirefox: {
      'network.captive-portal-service.enabled': false,
      'app.update.enabled': false,
      'browser.safebrowsing.malware.enabled': false,
      'browser.safebrowsing.phishing.enabled': false,
      'network.connectivity-service.enabled': false,
    },
  });
  const pages = new Set<Page>();
  let offline = false;
  return {
    name: 'firefox',
    version: `firefox ${(await browser.version()).replace(/^firefox\//i, '')}`,
    newPage: async () => {
      const page = await browser.newPage();
      pages.add(page);
      page.once('close', () => pages.delete(page));
      if (offline) await page.setOfflineMode(true);
      return wrap(page);
    },
    setOffline: async (value) => {
      offline = value;
      await Promise.all([...pages].map((page) => page.setOfflineMode(value)));
    },
    close: () => browser.close(),
  };
}
