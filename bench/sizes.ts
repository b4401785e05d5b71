/**
 * min+gzip sizes, for ours and every anchor alike, measured the same way (scripts/bundle-size.ts):
 * an app that imports the package's main export, bundled as a user's bundler would, each output file
 * gzipped on its own. Lazily imported chunks count separately, as "on first use". Ours come from the
 * size budget itself (scripts/size.ts), so the bench and `npm run size` cannot disagree.
 */
import { basename } from 'node:path';
import { bundleApp } from '../scripts/bundle-size.js';
import { ourSizes } from '../scripts/size.js';

export interface SizeRow {
  name: string;
  /** min+gzip bytes */
  bytes: number;
}

/** An anchor package: bytes at start, then what each lazy chunk adds. */
async function anchorSizes(root: string, label: string, specifier: string, binding: string): Promise<SizeRow[]> {
  const app = await bundleApp(root, specifier, binding);
  return [
    { name: label, bytes: app.initial },
    ...app.lazy.map((chunk) => ({
      name: `${label}: + ${chunk.inputs.map((input) => basename(input)).join(', ')}, on first use`,
      bytes: app.bytes(chunk.files),
    })),
  ];
}

export async function measureSizes(root: string): Promise<SizeRow[]> {
  const ours = (await ourSizes()).map((row) => ({ name: `ours: ${row.what.trim()}`, bytes: row.bytes }));
  return [
    ...ours,
    ...(await anchorSizes(root, 'event-source-polyfill 1.0.31', 'event-source-polyfill', '{ EventSourcePolyfill }')),
    ...(await anchorSizes(
      root,
      '@microsoft/fetch-event-source 2.0.1',
      '@microsoft/fetch-event-source',
      '{ fetchEventSource }',
    )),
    ...(await anchorSizes(
      root,
      'reconnecting-eventsource 1.6.5',
      'reconnecting-eventsource',
      'ReconnectingEventSource',
    )),
    ...(await anchorSizes(root, 'eventsource 4.1.1', 'eventsource', '{ EventSource }')),
  ];
}
