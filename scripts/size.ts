/**
 * The size budget, checked on every test run (`npm run size`).
 *
 * It bundles a small app that imports ResilientEventSource the way a user's bundler would
 * (esbuild: minified, code-split, ESM) and reports min+gzip of what loads at start and of what
 * each lazily loaded transport adds on first use; then the <script> bundle as shipped.
 * Each file is gzipped on its own (-9), as a server sends it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';

const KB = 1000;
const root = resolve(import.meta.dirname, '..');
const gz = (file: string): number => gzipSync(readFileSync(file), { level: 9 }).length;

interface Row {
  what: string;
  bytes: number;
  budget?: number;
}

/** Every output file reachable from `file` by static imports (what must load before it runs). */
function closure(metafile: Metafile, file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  for (const imported of metafile.outputs[file]?.imports ?? []) {
    if (imported.kind === 'import-statement') closure(metafile, imported.path, seen);
  }
  return seen;
}

async function appBundle(): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'res-size-'));
  try {
    const entry = join(dir, 'app.mjs');
    writeFileSync(entry, "import { ResilientEventSource } from 'resilient-eventsource';\nglobalThis.RES = ResilientEventSource;\n");
    const { metafile } = await build({
      entryPoints: [entry],
      absWorkingDir: root,
      // What the package's exports map gives a bundler for `import` (checked by publint and attw).
      alias: { 'resilient-eventsource': join(root, 'dist/index.mjs') },
      bundle: true,
      splitting: true,
      format: 'esm',
      minify: true,
      platform: 'browser',
      outdir: join(dir, 'out'),
      metafile: true,
      logLevel: 'error',
    });
    const sum = (files: Iterable<string>): number => [...files].reduce((total, file) => total + gz(join(root, file)), 0);
    const start = Object.keys(metafile.outputs).find((file) => metafile.outputs[file]?.entryPoint);
    if (!start) throw new Error('no entry chunk in the size bundle');
    const initial = closure(metafile, start);
    const rows: Row[] = [{ what: "import { ResilientEventSource }: loaded at start (mitt included)", bytes: sum(initial), budget: 5 * KB }];
    // Each lazily imported chunk: what it adds on first use, beyond what is already loaded.
    const lazyChunks = new Set(
      [...initial].flatMap((file) => metafile.outputs[file]!.imports.filter((i) => i.kind === 'dynamic-import').map((i) => i.path)),
    );
    // What each transport loads on first use, beyond what is already loaded (a chunk may serve several).
    const groups = [
      { what: 'event-source-polyfill (with our fetch stream for it)', modules: ['event-source-polyfill', 'chunks/polyfill.'] },
      { what: 'the fetch transport (with eventsource-parser, which the WebSocket one shares)', modules: ['chunks/fetch.'] },
      { what: 'the WebSocket transport (with eventsource-parser, which the fetch one shares)', modules: ['chunks/websocket.'] },
    ];
    const inGroup = (chunk: string, modules: string[]): boolean =>
      Object.keys(metafile.outputs[chunk]?.inputs ?? {}).some((input) => modules.some((m) => input.includes(m)));
    const unaccounted = [...lazyChunks].filter((chunk) => !groups.some((group) => inGroup(chunk, group.modules)));
    if (unaccounted.length) throw new Error(`lazy chunks no transport accounts for: ${unaccounted.join(', ')}`);
    for (const group of groups) {
      const added = new Set(
        [...lazyChunks].filter((chunk) => inGroup(chunk, group.modules)).flatMap((chunk) => [...closure(metafile, chunk)]),
      );
      for (const file of initial) added.delete(file);
      rows.push({ what: `  + ${group.what}, on first use`, bytes: sum(added) });
    }
    // Said plainly: an app that streams with the fetch transport loads this much in all.
    rows.push({ what: '  = in all, for an app that uses the fetch transport', bytes: rows[0]!.bytes + rows[2]!.bytes });
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const rows: Row[] = [
  ...(await appBundle()),
  { what: '<script> bundle dist/resilient-eventsource.umd.min.js (all transports)', bytes: gz(join(root, 'dist/resilient-eventsource.umd.min.js')), budget: 9 * KB },
  { what: '  + dist/event-source-polyfill.min.js, loaded only if the polyfill is used', bytes: gz(join(root, 'dist/event-source-polyfill.min.js')) },
];

let failed = false;
console.log('| min+gzip | budget | what |\n| ---: | ---: | --- |');
for (const row of rows) {
  const over = row.budget !== undefined && row.bytes > row.budget;
  failed ||= over;
  const budget = row.budget === undefined ? '' : `${(row.budget / KB).toFixed(1)} KB ${over ? '✗' : '✓'}`;
  console.log(`| ${(row.bytes / KB).toFixed(2)} KB | ${budget} | ${row.what} |`);
}
if (failed) {
  console.error('\nsize budget exceeded');
  process.exit(1);
}
