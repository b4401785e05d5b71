/**
 * min+gzip sizes, measured the way size-limit does (esbuild bundle with minification, gzip
 * level 9, minus esbuild's empty-project bytes), for ours and for every anchor alike.
 */
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface SizeRow {
  name: string;
  /** min+gzip bytes */
  bytes: number;
  /** The size-limit budget from .size-limit.json, for ours. */
  limitBytes?: number;
}

/**
 * What size-limit subtracts: the gzip bytes of an empty esbuild project, with an import, without
 * one, and with an import plus esbuild's require shim (which it assumes an ignored package brought in).
 */
const EMPTY_IMPORT_GZIP = 46;
const EMPTY_FILE_GZIP = 32;
const EMPTY_IMPORT_IGNORE_GZIP = 182;

interface Entry {
  name: string;
  /** JS source of the entry (an import of the package's main export), or a file to bundle as is. */
  source?: string;
  file?: string;
  external?: string[];
  limitBytes?: number;
}

async function minGzip(root: string, entry: Entry): Promise<number> {
  const result = await build({
    ...(entry.file
      ? { entryPoints: [entry.file] }
      : { stdin: { contents: entry.source ?? '', resolveDir: root, loader: 'js' } }),
    absWorkingDir: root,
    bundle: true,
    write: false,
    minify: true,
    treeShaking: true,
    platform: 'browser',
    external: entry.external ?? [],
    logLevel: 'silent',
  });
  const bytes = result.outputFiles.reduce((sum, file) => sum + gzipSync(file.contents, { level: 9 }).length, 0);
  if (entry.file) return bytes - EMPTY_FILE_GZIP;
  const requireShim = entry.external?.length && result.outputFiles.some((file) => file.text.includes('Dynamic require of '));
  return bytes - (requireShim ? EMPTY_IMPORT_IGNORE_GZIP : EMPTY_IMPORT_GZIP);
}

/** "5 KB" → bytes, as size-limit reads it (1 KB = 1000 B). */
function parseLimit(limit: string | undefined): number | undefined {
  const match = /^([\d.]+)\s*(B|KB|kB|KiB)?$/.exec(limit?.trim() ?? '');
  if (!match) return undefined;
  const value = Number(match[1]);
  return match[2] === 'KiB' ? value * 1024 : match[2] && match[2] !== 'B' ? value * 1000 : value;
}

export async function measureSizes(root: string): Promise<SizeRow[]> {
  const limits = JSON.parse(await readFile(join(root, '.size-limit.json'), 'utf8')) as { path: string; import?: string; limit?: string }[];
  const limitOf = (path: string, withImport: boolean): number | undefined =>
    parseLimit(limits.find((check) => check.path === path && Boolean(check.import) === withImport)?.limit);

  const use = (specifier: string, binding: string): string => `import ${binding} from '${specifier}'; console.log(${binding.replace(/[{}]/g, '')});`;
  const entries: Entry[] = [
    {
      name: 'ours: `import { ResilientEventSource }` (polyfill lazy, left out)',
      source: use('./dist/index.mjs', '{ ResilientEventSource }'),
      external: ['event-source-polyfill'],
      limitBytes: limitOf('dist/index.mjs', true),
    },
    {
      name: 'ours: full UMD (event-source-polyfill included)',
      file: join(root, 'dist/resilient-eventsource.umd.min.js'),
      limitBytes: limitOf('dist/resilient-eventsource.umd.min.js', false),
    },
    { name: 'event-source-polyfill 1.0.31', source: use('event-source-polyfill', '{ EventSourcePolyfill }') },
    { name: '@microsoft/fetch-event-source 2.0.1', source: use('@microsoft/fetch-event-source', '{ fetchEventSource }') },
    { name: 'reconnecting-eventsource 1.6.5', source: use('reconnecting-eventsource', 'ReconnectingEventSource') },
    { name: 'eventsource 4.1.1', source: use('eventsource', '{ EventSource }') },
  ];
  const rows: SizeRow[] = [];
  for (const entry of entries) {
    rows.push({ name: entry.name, bytes: await minGzip(root, entry), ...(entry.limitBytes !== undefined ? { limitBytes: entry.limitBytes } : {}) });
  }
  return rows;
}
