/**
 * How much an app pays for a package: it bundles `import <binding> from '<specifier>'` the way a
 * user's bundler would (esbuild: minified, ESM, code-split) and gzips each output file on its own
 * (-9), as a server sends it. Used by the size budget (scripts/size.ts) and the bench (bench/sizes.ts).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';

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
