/** What the bench server serves to the page: the page, its runner, ours (UMD) and the anchors. */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { fetchEventSourceScript, pageScript } from './bundles.js';
import type { Asset } from './server.js';

export const at = (path: string): string => fileURLToPath(new URL(path, new URL('..', import.meta.url)));

const JS = 'text/javascript; charset=utf-8';

/**
 * Read once, up front: dist/ may be rebuilt while the bench runs, and every run must see the same build.
 * `readable`: the unminified builds of ours and of event-source-polyfill, for profiles with real function names.
 */
export async function benchAssets(readable = false): Promise<Record<string, Asset>> {
  const min = readable ? '' : '.min';
  const [page, fetchEventSource, html, polyfill, ours] = await Promise.all([
    pageScript(),
    fetchEventSourceScript(),
    readFile(at('bench/page/index.html'), 'utf8'),
    readFile(at(`node_modules/event-source-polyfill/src/eventsource${min}.js`), 'utf8'),
    readFile(at(`dist/resilient-eventsource.umd${min}.js`), 'utf8'),
  ]);
  return {
    '/': { type: 'text/html; charset=utf-8', body: html },
    '/bench.js': { type: JS, body: page },
    '/vendor/fetch-event-source.js': { type: JS, body: fetchEventSource },
    '/vendor/event-source-polyfill.js': { type: JS, body: polyfill },
    '/vendor/resilient-eventsource.js': { type: JS, body: ours },
  };
}
