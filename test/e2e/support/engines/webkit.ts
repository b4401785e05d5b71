import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import WebDriver from 'webdriver';
import { startXvfb, stopChild } from '../xvfb';
import { type EngineBrowser, type EnginePage, pollUntil } from './types';

const MINIBROWSER = [
  process.env.MINIBROWSER_PATH,
  '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser',
  '/usr/lib/aarch64-linux-gnu/webkit2gtk-4.1/MiniBrowser',
];

export function miniBrowserPath(): string {
  const found = MINIBROWSER.find((path): path is string => Boolean(path) && existsSync(path as string));
  if (!found) throw new Error('MiniBrowser not found: apt-get install -y webkit2gtk-driver (or set MINIBROWSER_PATH)');
  return found;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function startDriver(display: string): Promise<{ port: number; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn('WebKitWebDriver', [`--port=${port}`, '--host=local'], {
    // Under a C or POSIX locale (CI's usual C.UTF-8) WebKitGTK reports navigator.language "C", which is no
    // language tag: Intl constructors given it throw (uPlot in the playground). en-US, as the other engines.
    env: { ...process.env, DISPLAY: display, LANG: 'en_US.UTF-8', LC_ALL: 'en_US.UTF-8' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('error', (e) =>
      reject(new Error(`WebKitWebDriver did not start (apt-get install webkit2gtk-driver): ${e}`)),
    );
    const deadline = Date.now() + 15_000;
    const check = (): void => {
      fetch(`http://127.0.0.1:${port}/status`)
        .then(() => resolve())
        .catch(() =>
          Date.now() > deadline ? reject(new Error('WebKitWebDriver never answered')) : setTimeout(check, 100),
        );
    };
    check();
  });
  return { port, child };
}

type Session = Awaited<ReturnType<typeof WebDriver.newSession>>;

/**
 * WebDriver classic is one window at a time: every call switches to its page's window first, so
 * calls are queued one after another.
 */
function queue(): <T>(job: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return (job) => {
    const run = tail.then(job, job);
    tail = run.catch(() => undefined);
    return run;
  };
}

/** WebKitGTK's MiniBrowser through WebKitWebDriver (WebDriver classic), under a private Xvfb. */
export async function launchWebkitEngine(): Promise<EngineBrowser> {
  const x = await startXvfb();
  const driver = await startDriver(x.display);
  // The plain protocol client, not webdriverio: webdriverio tracks the current window itself and, after
  // every Close Window, fires a Switch To Window of its own that nothing awaits; when the session ends
  // right after a page closes, that switch rejects unhandled ("invalid session id").
  const session: Session = await WebDriver.newSession({
    hostname: '127.0.0.1',
    port: driver.port,
    logLevel: 'error',
    capabilities: {
      browserName: 'MiniBrowser',
      // WebKitWebDriver 2.50 refuses a BiDi session ("Failed to match capabilities").
      'wdio:enforceWebDriverClassic': true,
      'webkitgtk:browserOptions': { binary: miniBrowserPath(), args: ['--automation'] },
      // A command that waits for a navigation gives up after 20 s, not the default 300 s (a page restored
      // from the back/forward cache fires no load event); callers that poll then ask again. The other two
      // are the WebDriver defaults.
      timeouts: { pageLoad: 20_000, script: 30_000, implicit: 0 },
    } as WebdriverIO.Capabilities,
  });
  const serial = queue();
  let ended = false;
  const parked = await session.getWindowHandle();
  let parkedInUse = false;

  const wrap = (handle: string): EnginePage => {
    let closed = false;
    const on = <T>(job: () => Promise<T>): Promise<T> =>
      serial(async () => {
        if (closed) throw new Error('page is closed');
        if (ended) throw new Error('browser is closed');
        await session.switchToWindow(handle);
        return job();
      });
    const evaluate = <R, A>(fn: (arg: A) => R | Promise<R>, arg?: A): Promise<R> =>
      on(() =>
        // Execute Script awaits a returned promise (WebDriver spec). The result travels as JSON text,
        // so properties that are undefined stay absent (as over CDP or BiDi) instead of becoming null.
        session
          .executeScript(
            `return Promise.resolve((${fn.toString()})(arguments[0])).then((v) => JSON.stringify({ v }))`,
            [arg ?? null],
          )
          .then((text) => (JSON.parse(String(text)) as { v?: R }).v as R),
      );
    return {
      driverErrors: [],
      goto: (url) => on(() => session.navigateTo(url)).then(() => undefined),
      reload: () => on(() => session.refresh()).then(() => undefined),
      evaluate,
      waitForFunction: (fn, arg, timeoutMs = 30_000) =>
        pollUntil(String(fn), () => evaluate(fn as (a: unknown) => unknown, arg), timeoutMs),
      close: () =>
        on(async () => {
          closed = true;
          // Closing the last window ends the session: the first one is parked on about:blank instead.
          if (handle === parked) {
            await session.navigateTo('about:blank');
            parkedInUse = false;
          } else {
            await session.closeWindow();
            // Commands such as New Window need a current window that still exists.
            await session.switchToWindow(parked);
          }
        }),
    };
  };

  const version = String((session.capabilities as { browserVersion?: string }).browserVersion ?? 'unknown');
  return {
    name: 'webkit',
    version: `webkitgtk ${version}`,
    newPage: () =>
      serial(async () => {
        if (ended) throw new Error('browser is closed');
        if (!parkedInUse) {
          parkedInUse = true;
          return wrap(parked);
        }
        // A window, not a tab: MiniBrowser hides every tab but the active one (visibilityState 'hidden',
        // no requestAnimationFrame), while every window stays visible, as every page of headless
        // Chromium is. Windows of one session share its profile (Web Locks, BroadcastChannel, storage).
        const { handle } = await session.createWindow('window');
        return wrap(handle);
      }),
    setOffline: null,
    async close() {
      // Calls queued behind this one fail as closed instead of reaching a deleted session.
      await serial(async () => {
        ended = true;
      });
      await session.deleteSession().catch(() => undefined);
      await stopChild(driver.child);
      await x.stop();
    },
  };
}
