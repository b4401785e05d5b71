/** Scripts the bench page loads that need a build step: the page itself and @microsoft/fetch-event-source (ESM only). */
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

async function iife(options: { entry?: string; stdin?: string; globalName?: string }): Promise<string> {
  const result = await build({
    ...(options.entry
      ? { entryPoints: [options.entry] }
      : { stdin: { contents: options.stdin ?? '', resolveDir: here('.'), loader: 'js' } }),
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    ...(options.globalName ? { globalName: options.globalName } : {}),
    logLevel: 'silent',
  });
  return result.outputFiles[0]?.text ?? '';
}

/** The in-page benchmark runner (bench/page/main.ts). */
export const pageScript = (): Promise<string> => iife({ entry: here('./page/main.ts') });

/** `window.FetchEventSource.fetchEventSource`. */
export const fetchEventSourceScript = (): Promise<string> =>
  iife({ stdin: "export { fetchEventSource } from '@microsoft/fetch-event-source';", globalName: 'FetchEventSource' });
