/**
 * The React and Vue test apps (test/e2e/apps) bundled with esbuild against the BUILT adapters
 * (dist/react.mjs, dist/vue.mjs: run `npm run build` first), and a page that runs one of them
 * on fixtures/adapters.html, served by the reference server under its strict CSP.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import type { BrowserContext, Page } from 'playwright-core';
import type { AdapterApp, AdapterAppWindow, AppConfig } from '../apps/app-api';
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

export function bundleApp(framework: Framework): Promise<string> {
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

export interface AppPage {
  page: Page;
  render(config: AppConfig): Promise<void>;
  unmount(): Promise<void>;
  seen(id: string): Promise<number[]>;
  states(): Promise<Record<string, string>>;
  /** Live timers, EventSources, fetches… (fixtures/soak.js). */
  probe(): Promise<Probe>;
  /** Errors the page logged or threw. */
  errors: string[];
}

type AppWindow = AdapterAppWindow & SoakWindow;

export async function openAppPage(context: BrowserContext, serverUrl: string, framework: Framework): Promise<AppPage> {
  const script = await bundleApp(framework);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  // Same origin as the page, so the CSP's script-src 'self' allows it.
  await page.route('**/fixtures/adapters-app.js', (route) =>
    route.fulfill({ status: 200, contentType: 'text/javascript; charset=utf-8', body: script }),
  );
  await page.goto(`${serverUrl}/fixtures/adapters.html`);
  await page.waitForFunction(() => 'adapterApp' in window && 'soak' in window);
  const app = <K extends keyof AdapterApp>(method: K, ...args: Parameters<AdapterApp[K]>) =>
    page.evaluate(
      ([m, a]) => ((window as unknown as AppWindow).adapterApp[m] as (...values: readonly unknown[]) => unknown)(...a),
      [method, args] as const,
    ) as Promise<ReturnType<AdapterApp[K]>>;
  return {
    page,
    errors,
    render: (config) => app('render', config),
    unmount: () => app('unmount'),
    seen: (id) => app('seen', id),
    states: () => app('states'),
    probe: () => page.evaluate(() => (window as unknown as AppWindow).soak.probe()),
  };
}
