/**
 * The React and Vue test apps (test/e2e/apps) bundled with esbuild against the BUILT adapters
 * (dist/react.mjs, dist/vue.mjs: run `npm run build` first), and a page that runs one of them
 * on fixtures/adapters.html, served by the reference server under its strict CSP, in any engine.
 * The bundle is written to a directory of its own that the server mounts at /adapter-app/
 * (`writeApp`), so the page loads it from its own origin as script-src 'self' requires.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import type { StaticMounts } from '../../../playground/server/static-files';
import type { AdapterApp, AdapterAppWindow, AppConfig } from '../apps/app-api';
import type { EngineBrowser, EnginePage } from './engines/index';
import type { ProbeWindow } from './harness';
import type { Probe, SoakWindow } from './soak-page';

export type Framework = 'react' | 'vue';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** The apps import '../../../src/<framework>' (so they typecheck); the bundle takes dist/<framework>.mjs instead. */
const builtAdapter: Plugin = {
  name: 'built-adapter',
  setup(plugin) {
    plugin.onResolve({ filter: /\/src\/(react|vue)$/ }, (args) => {
      const file = `${root}dist/${args.path.split('/').pop()}.mjs`;
      if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first`);
      return { path: file };
    });
  },
};

const bundles = new Map<Framework, Promise<string>>();

function bundleApp(framework: Framework): Promise<string> {
  let bundle = bundles.get(framework);
  if (!bundle) {
    bundle = build({
      entryPoints: [`${root}test/e2e/apps/${framework}-app.ts`],
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: 'es2022',
      write: false,
      logLevel: 'error',
      plugins: [builtAdapter],
      define: {
        // Development builds: React's StrictMode mounts, unmounts and mounts again only there.
        'process.env.NODE_ENV': '"development"',
        __VUE_OPTIONS_API__: 'true',
        __VUE_PROD_DEVTOOLS__: 'false',
        __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
      },
    }).then((result) => result.outputFiles[0]!.text);
    bundles.set(framework, bundle);
  }
  return bundle;
}

/**
 * Bundles the app into a directory of its own: `mounts` go to startFixtureServer (beside
 * FIXTURE_MOUNTS), `remove` deletes the directory after the suite.
 */
export async function writeApp(framework: Framework): Promise<{ mounts: StaticMounts; remove(): void }> {
  const dir = mkdtempSync(join(tmpdir(), `adapter-app-${framework}-`));
  writeFileSync(join(dir, 'adapters-app.js'), await bundleApp(framework));
  return { mounts: { '/adapter-app/': dir }, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface AppPage {
  page: EnginePage;
  render(config: AppConfig): Promise<void>;
  unmount(): Promise<void>;
  seen(id: string): Promise<number[]>;
  states(): Promise<Record<string, string>>;
  /** The text the element with this id renders. */
  text(id: string): Promise<string>;
  /** Live timers, EventSources, fetches… (fixtures/soak.js). */
  probe(): Promise<Probe>;
  /** Errors the page threw, rejected or logged with console.error (fixtures/page-probe.js). */
  errors(): Promise<string[]>;
}

type AppWindow = AdapterAppWindow & SoakWindow & ProbeWindow;

/** A new tab on the app page; the server must have been started with writeApp()'s mounts. */
export async function openAppPage(browser: EngineBrowser, serverUrl: string): Promise<AppPage> {
  const page = await browser.newPage();
  await page.goto(`${serverUrl}/fixtures/adapters.html?console`);
  await page.waitForFunction(() => 'adapterApp' in window && 'soak' in window);
  const app = <K extends keyof AdapterApp>(method: K, ...args: Parameters<AdapterApp[K]>) =>
    page.evaluate(
      ([m, a]) => ((window as unknown as AppWindow).adapterApp[m] as (...values: readonly unknown[]) => unknown)(...a),
      [method, args] as const,
    ) as Promise<ReturnType<AdapterApp[K]>>;
  return {
    page,
    render: (config) => app('render', config),
    unmount: () => app('unmount'),
    seen: (id) => app('seen', id),
    states: () => app('states'),
    text: (id) => page.evaluate((which) => document.getElementById(which)?.textContent ?? '', id),
    probe: () => page.evaluate(() => (window as unknown as AppWindow).soak.probe()),
    errors: async () => [
      ...page.driverErrors,
      ...(await page.evaluate(() => (window as unknown as AppWindow).pageProbe.errors())),
    ],
  };
}
