import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import resolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';
import { defineConfig, type Plugin, type RollupOptions } from 'rollup';
import { dts } from 'rollup-plugin-dts';

const compile = () =>
  typescript({
    tsconfig: './tsconfig.json',
    noEmit: false,
    declaration: false,
    sourceMap: true,
    include: ['src/**/*.ts'],
  });

// Packages stay external in the npm build: the app's bundler dedupes them, and puts the lazily
// imported transports (fetch, WebSocket, event-source-polyfill) in chunks of their own.
const external = ['mitt', 'eventsource-parser', 'event-source-polyfill'];

/**
 * The <script> build carries everything of ours in one file, and loads event-source-polyfill on
 * first use from a copy shipped beside it: the module that loads the polyfill
 * (src/transports/polyfill-loader.ts) is replaced, whoever imports it, by
 * src/transports/polyfill-script-loader.ts, which exports the same `loadPolyfill`.
 */
function polyfillBesideBundle(): Plugin {
  const file = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
  const bundlerLoader = file('./src/transports/polyfill-loader.ts');
  const scriptLoader = file('./src/transports/polyfill-script-loader.ts');
  return {
    name: 'polyfill-beside-bundle',
    async resolveId(source, importer, options) {
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      return resolved?.id === bundlerLoader ? scriptLoader : null;
    },
    generateBundle() {
      this.emitFile({
        type: 'asset',
        fileName: 'event-source-polyfill.min.js',
        source: readFileSync('node_modules/event-source-polyfill/src/eventsource.min.js', 'utf8'),
      });
    },
  };
}

// resilient-eventsource/server runs in Node only: its own entry, never part of the browser builds.
// ws and the Redis client stay the user's (optional peer dependencies).
const serverExternal = [/^node:/, 'ws', 'ioredis'];

const umd = {
  format: 'umd',
  name: 'ResilientEventSource',
  exports: 'default',
  sourcemap: true,
  inlineDynamicImports: true,
} as const;

// ---- framework adapters (src/react, src/vue): thin layers over the core ----
// The core stays external, so an adapter bundle never carries a second copy of it: its import of
// '../index' becomes the built core beside it (index.mjs, index.cjs, and their declarations).
const core = fileURLToPath(new URL('./src/index.ts', import.meta.url));
const adapterExternal = (framework: string) => (id: string) =>
  id === core || id === framework || id.startsWith(`${framework}/`);
const coreAs = (file: string) => (id: string) => (id === core ? file : id);
const adapter = (name: 'react' | 'vue'): RollupOptions[] => [
  {
    input: `src/${name}/index.ts`,
    external: adapterExternal(name),
    plugins: [compile()],
    output: [
      { file: `dist/${name}.mjs`, format: 'es', sourcemap: true, paths: coreAs('./index.mjs') },
      { file: `dist/${name}.cjs`, format: 'cjs', sourcemap: true, exports: 'named', paths: coreAs('./index.cjs') },
    ],
  },
  {
    input: `src/${name}/index.ts`,
    external: adapterExternal(name),
    plugins: [dts()],
    output: [
      { file: `dist/${name}.d.ts`, paths: coreAs('./index.js') },
      { file: `dist/${name}.d.cts`, paths: coreAs('./index.cjs') },
    ],
  },
];

export default defineConfig([
  {
    // resilient-eventsource/share is a second entry of the same build, so that both import one copy of
    // the core (a chunk of its own; each entry re-exports from it).
    input: { index: 'src/index.ts', share: 'src/share/index.ts' },
    external,
    plugins: [compile()],
    output: [
      { dir: 'dist', format: 'es', sourcemap: true, entryFileNames: '[name].mjs', chunkFileNames: 'chunks/[name].mjs' },
      {
        dir: 'dist',
        format: 'cjs',
        sourcemap: true,
        exports: 'named',
        entryFileNames: '[name].cjs',
        chunkFileNames: 'chunks/[name].cjs',
      },
    ],
  },
  {
    input: 'src/umd.ts',
    plugins: [polyfillBesideBundle(), resolve({ browser: true }), compile()],
    output: [
      { ...umd, file: 'dist/resilient-eventsource.umd.js' },
      {
        ...umd,
        file: 'dist/resilient-eventsource.umd.min.js',
        plugins: [terser({ ecma: 2022, compress: { passes: 3 } })],
      },
    ],
  },
  {
    input: 'src/index.ts',
    external,
    plugins: [dts()],
    output: [{ file: 'dist/index.d.ts' }, { file: 'dist/index.d.cts' }],
  },
  {
    // Its declarations import the core's (one class, whichever path it is imported from).
    input: 'src/share/index.ts',
    external: (id: string) => id === core,
    plugins: [dts()],
    output: [
      { file: 'dist/share.d.ts', paths: coreAs('./index.js') },
      { file: 'dist/share.d.cts', paths: coreAs('./index.cjs') },
    ],
  },
  {
    input: 'src/server/index.ts',
    external: serverExternal,
    plugins: [compile()],
    output: [
      { file: 'dist/server.mjs', format: 'es', sourcemap: true },
      { file: 'dist/server.cjs', format: 'cjs', sourcemap: true, exports: 'named' },
    ],
  },
  {
    input: 'src/server/index.ts',
    external: serverExternal,
    plugins: [dts()],
    output: [{ file: 'dist/server.d.ts' }, { file: 'dist/server.d.cts' }],
  },
  ...adapter('react'),
  ...adapter('vue'),
]);
