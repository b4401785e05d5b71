/** The three engines the e2e suites run in; E2E_ENGINE picks one per vitest project. */
export type EngineName = 'chromium' | 'firefox' | 'webkit';
export const ENGINES: readonly EngineName[] = ['chromium', 'firefox', 'webkit'];

/** One tab, driven the same way in every engine. */
export interface EnginePage {
  goto(url: string): Promise<void>;
  /** Reloads the page (sessionStorage survives, as in a user's reload) and waits for it to load. */
  reload(): Promise<void>;
  /** Runs `fn(arg)` in the page and resolves to its (JSON-safe) result; a returned promise is awaited. */
  evaluate<R>(fn: () => R | Promise<R>): Promise<R>;
  evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
  /** Polls `fn(arg)` in the page until it is truthy (throws after `timeoutMs`). */
  waitForFunction<A>(fn: (arg: A) => unknown, arg?: A, timeoutMs?: number): Promise<void>;
  /** Uncaught page errors the driver saw itself (Chromium's pageerror); [] elsewhere (the page collects them). */
  readonly driverErrors: string[];
  close(): Promise<void>;
}

/** One browser for a whole test file (launches take seconds), with tabs in one context. */
export interface EngineBrowser {
  readonly name: EngineName;
  /** e.g. "chromium 156.0…", "firefox 153.8.0esr", "webkitgtk 2.50.x" */
  readonly version: string;
  newPage(): Promise<EnginePage>;
  /**
   * Network emulation where the engine has one (Chromium: context, Firefox: every page of this browser).
   * Null where it has none (WebKit): tests then run the offline equivalent (see support/offline.ts).
   */
  readonly setOffline: ((offline: boolean) => Promise<void>) | null;
  close(): Promise<void>;
}

/** E2E_ENGINE (default chromium); a typo fails at once rather than running the wrong engine. */
export function currentEngine(): EngineName {
  const name = process.env.E2E_ENGINE ?? 'chromium';
  if (!(ENGINES as readonly string[]).includes(name)) {
    throw new Error(`E2E_ENGINE=${name}: expected one of ${ENGINES.join(', ')}`);
  }
  return name as EngineName;
}

/** Polls until `probe` resolves truthy; shared by the drivers without a native waitForFunction. */
export async function pollUntil(what: string, probe: () => Promise<unknown>, timeoutMs: number): Promise<void> {
  const start = Date.now();
  while (!(await probe())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
