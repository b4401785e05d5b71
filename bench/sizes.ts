/**
 * min+gzip sizes, for ours and every anchor alike: an app that imports the package's main export,
 * bundled by esbuild as a user's bundler would (minified, ESM, code-split), each output file
 * gzipped on its own (-9), as a server sends it. Lazily imported chunks count separately, as
 * "on first use". Ours also as the <script> bundle, as shipped.
 */
import { build, type Metafile } from 'esbuild';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface SizeRow {
  name: string;
  /** min+gzip bytes */
  bytes: number;
}

const gzip = (contents: Uint8Array): number => gzipSync(contents, { level: 9 }).length;

/** Output files reachable from `file` by static imports: what must load before it runs. */
function staticClosure(metafile: Metafile, file: string, into = new Set<string>()): Set<string> {
  if (into.has(file)) return into;
  into.add(file);
  for (const imported of metafile.outputs[file]?.imports ?? []) {
    if (imported.kind === 'import-statement') staticClosure(metafile, imported.path, into);
  }
  return into;
}

/** What a lazy chunk holds, named after its inputs. */
function chunkName(metafile: Metafile, file: string): string {
  const inputs = Object.keys(metafile.outputs[file]?.inputs ?? {});
  if (inputs.some((input) => input.includes('event-source-polyfill'))) return 'event-source-polyfill';
  for (const transport of ['fetch', 'websocket']) {
    if (inputs.some((input) => basename(input).startsWith(transport))) return `the ${transport} transport`;
  }
  return inputs.map((input) => basename(input)).join(', ');
}

/** The app `import { binding } from specifier`: bytes at start, then what each lazy chunk adds (rows named `owner: + …`). */
async function appSizes(root: string, label: string, specifier: string, binding: string, owner = label): Promise<SizeRow[]> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-size-'));
  try {
    const entry = join(dir, 'app.mjs');
    const name = binding.replace(/[{}\s]/g, '');
    await writeFile(entry, `import ${binding} from '${specifier}';\nglobalThis.used = ${name};\n`);
    const result = await build({
      entryPoints: [entry],
      absWorkingDir: root,
      // The entry lives in a temporary directory: resolve packages from the repository.
      nodePaths: [join(root, 'node_modules')],
      bundle: true,
      splitting: true,
      format: 'esm',
      minify: true,
      platform: 'browser',
      outdir: join(dir, 'out'),
      write: false,
      metafile: true,
      logLevel: 'error',
    });
    const bytesOf = new Map(result.outputFiles.map((file) => [file.path, gzip(file.contents)]));
    const metafile = result.metafile;
    const size = (files: Iterable<string>): number => [...files].reduce((sum, file) => sum + (bytesOf.get(join(root, file)) ?? 0), 0);
    const start = Object.keys(metafile.outputs).find((file) => metafile.outputs[file]?.entryPoint);
    if (!start) throw new Error(`no entry chunk when bundling ${specifier}`);
    const initial = staticClosure(metafile, start);
    const rows: SizeRow[] = [{ name: label, bytes: size(initial) }];
    const lazy = new Set(
      [...initial].flatMap((file) => (metafile.outputs[file]?.imports ?? []).filter((i) => i.kind === 'dynamic-import').map((i) => i.path)),
    );
    for (const chunk of lazy) {
      const added = [...staticClosure(metafile, chunk)].filter((file) => !initial.has(file));
      rows.push({ name: `${owner}: + ${chunkName(metafile, chunk)}, on first use`, bytes: size(added) });
    }
    return rows;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function measureSizes(root: string): Promise<SizeRow[]> {
  const file = async (name: string, path: string): Promise<SizeRow> => ({ name, bytes: gzip(await readFile(join(root, path))) });
  const script = [await file('ours: <script> bundle, dist/resilient-eventsource.umd.min.js', 'dist/resilient-eventsource.umd.min.js')];
  // The <script> build fetches the polyfill from beside itself when it is needed (newer builds); older ones inline it.
  const besideIt = join(root, 'dist/event-source-polyfill.min.js');
  const polyfillFile = await readFile(besideIt).then(
    (contents) => [{ name: 'ours: <script> bundle: + dist/event-source-polyfill.min.js, if the polyfill is used', bytes: gzip(contents) }],
    () => [],
  );
  const ours = await appSizes(root, 'ours: `import { ResilientEventSource }`, at start', join(root, 'dist/index.mjs'), '{ ResilientEventSource }', 'ours');
  const withFetch = ours.find((row) => row.name.includes('fetch transport'));
  if (withFetch) ours.push({ name: 'ours: in all, for an app on the fetch transport', bytes: (ours[0]?.bytes ?? 0) + withFetch.bytes });
  return [
    ...ours,
    ...script,
    ...polyfillFile,
    ...(await appSizes(root, 'event-source-polyfill 1.0.31', 'event-source-polyfill', '{ EventSourcePolyfill }')),
    ...(await appSizes(root, '@microsoft/fetch-event-source 2.0.1', '@microsoft/fetch-event-source', '{ fetchEventSource }')),
    ...(await appSizes(root, 'reconnecting-eventsource 1.6.5', 'reconnecting-eventsource', 'ReconnectingEventSource')),
    ...(await appSizes(root, 'eventsource 4.1.1', 'eventsource', '{ EventSource }')),
  ];
}
