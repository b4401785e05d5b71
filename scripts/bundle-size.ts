/**
 * How much an app pays for a package: it bundles `import <binding> from '<specifier>'` the way a
 * user's bundler would (esbuild: minified, ESM, code-split) and gzips each output file on its own
 * (-9), as a server sends it. Used by the size budget (scripts/size.ts) and the bench (bench/sizes.ts).
 * `buildCore` builds the package's ESM entry again, with a module swapped, to measure what that module costs.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Metafile, transform } from 'esbuild';
import { type Plugin, rollup } from 'rollup';

export const gzipSize = (contents: Uint8Array): number => gzipSync(contents, { level: 9 }).length;

export interface AppBundle {
  /** min+gzip bytes of what loads at start (the entry and its static imports) */
  initial: number;
  /** each lazily imported chunk with what it adds on first use, beyond what loaded at start */
  lazy: { inputs: string[]; files: Set<string> }[];
  /** min+gzip bytes of a set of output files */
  bytes(files: Iterable<string>): number;
}

/** Output files reachable from `file` by static imports: what must load before it runs. */
function staticClosure(metafile: Metafile, file: string, into = new Set<string>()): Set<string> {
  if (into.has(file)) return into;
  into.add(file);
  for (const imported of metafile.outputs[file]?.imports ?? []) {
    if (imported.kind === 'import-statement') staticClosure(metafile, imported.path, into);
  }
  return into;
}

/**
 * `alias` maps a specifier to a file, as a package's exports map would for a bundler; `external`
 * names packages left out (a framework the app has anyway).
 */
export async function bundleApp(
  root: string,
  specifier: string,
  binding: string,
  alias?: Record<string, string>,
  external?: string[],
): Promise<AppBundle> {
  const dir = await mkdtemp(join(tmpdir(), 'app-size-'));
  try {
    const entry = join(dir, 'app.mjs');
    await writeFile(
      entry,
      `import ${binding} from '${specifier}';\nglobalThis.used = ${binding.replace(/[{}\s]/g, '')};\n`,
    );
    const { metafile, outputFiles } = await build({
      entryPoints: [entry],
      absWorkingDir: root,
      // The entry lives in a temporary directory: resolve packages from the repository.
      nodePaths: [join(root, 'node_modules')],
      alias,
      external,
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
    const sizes = new Map(outputFiles.map((file) => [file.path, gzipSize(file.contents)]));
    const bytes = (files: Iterable<string>): number =>
      [...files].reduce((sum, file) => sum + (sizes.get(join(root, file)) ?? 0), 0);
    const start = Object.keys(metafile.outputs).find((file) => metafile.outputs[file]?.entryPoint);
    if (!start) throw new Error(`no entry chunk when bundling ${specifier}`);
    const initial = staticClosure(metafile, start);
    const lazyChunks = new Set(
      [...initial].flatMap((file) =>
        (metafile.outputs[file]?.imports ?? []).filter((i) => i.kind === 'dynamic-import').map((i) => i.path),
      ),
    );
    const lazy = [...lazyChunks].map((chunk) => ({
      inputs: Object.keys(metafile.outputs[chunk]?.inputs ?? {}),
      files: new Set([...staticClosure(metafile, chunk)].filter((file) => !initial.has(file))),
    }));
    return { initial: bytes(initial), lazy, bytes };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Packages the npm build leaves to the app's bundler (as rollup.config.ts does). */
const PACKAGES = ['mitt', 'eventsource-parser', 'event-source-polyfill'];

/** Compiles our TypeScript for rollup (esbuild strips the types; tsc's output minifies the same) and swaps modules. */
function sources(replace: Record<string, string>): Plugin {
  return {
    name: 'sources',
    resolveId(source, importer) {
      if (!importer || !source.startsWith('.')) return null;
      const base = resolve(dirname(importer), source);
      const file = [`${base}.ts`, join(base, 'index.ts')].find((candidate) => existsSync(candidate));
      return file ? (replace[file] ?? file) : null;
    },
    async transform(code, id) {
      if (!id.endsWith('.ts')) return null;
      return { code: (await transform(code, { loader: 'ts', target: 'es2022', format: 'esm' })).code, map: null };
    },
  };
}

/**
 * src/index.ts built to ESM the way `npm run build` builds dist/index.mjs (rollup, code-split, packages
 * external), into a temporary directory, with each module named in `replace` (absolute path to absolute
 * path) swapped for another. `measure` gets the built entry; the directory is removed afterwards.
 */
export async function buildCore<T>(
  root: string,
  replace: Record<string, string>,
  measure: (entry: string) => Promise<T>,
): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'core-build-'));
  try {
    const bundle = await rollup({
      input: join(root, 'src/index.ts'),
      external: PACKAGES,
      plugins: [sources(replace)],
      onwarn: (warning) => {
        throw new Error(`rollup: ${warning.message}`);
      },
    });
    await bundle.write({ dir, format: 'es', entryFileNames: 'index.mjs', chunkFileNames: 'chunks/[name].mjs' });
    await bundle.close();
    return await measure(join(dir, 'index.mjs'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
