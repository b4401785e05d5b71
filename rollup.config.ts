import commonjs from '@rollup/plugin-commonjs';
import resolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';
import { defineConfig } from 'rollup';
import { dts } from 'rollup-plugin-dts';

const compile = () =>
  typescript({ tsconfig: './tsconfig.json', noEmit: false, declaration: false, sourceMap: true, include: ['src/**/*.ts'] });

// Packages stay external in the npm build (the app's bundler dedupes and lazy-loads them);
// the <script> build carries everything, the polyfill included.
const external = ['mitt', 'eventsource-parser', 'event-source-polyfill'];

/** The virtual module the <script> build loads the polyfill from (see the plugin below). */
const POLYFILL = '\0event-source-polyfill';

/** The inlined polyfill's license notice, kept however the minifier rearranges its code. */
const banner = '/*! event-source-polyfill (eventsource.js) | MIT License | https://github.com/Yaffle/EventSource/ */';

export default defineConfig([
  {
    input: 'src/index.ts',
    external,
    plugins: [compile()],
    output: [
      { file: 'dist/index.mjs', format: 'es', sourcemap: true },
      { file: 'dist/index.cjs', format: 'cjs', sourcemap: true, exports: 'named' },
    ],
  },
  {
    input: 'src/umd.ts',
    plugins: [
      {
        // The polyfill's dynamic import is inlined here. Importing only its named export spares the
        // bundle CommonJS namespace-merging helpers; the loader reads nothing else.
        name: 'polyfill-named-export',
        resolveDynamicImport: (specifier) => (specifier === 'event-source-polyfill' ? POLYFILL : null),
        resolveId: (id) => (id === POLYFILL ? id : null),
        load: (id) => (id === POLYFILL ? "export { EventSourcePolyfill } from 'event-source-polyfill';" : null),
      },
      resolve({ browser: true }),
      commonjs(),
      compile(),
    ],
    output: [
      {
        file: 'dist/resilient-eventsource.umd.js',
        format: 'umd',
        name: 'ResilientEventSource',
        exports: 'default',
        sourcemap: true,
        inlineDynamicImports: true,
        banner,
      },
      {
        file: 'dist/resilient-eventsource.umd.min.js',
        format: 'umd',
        name: 'ResilientEventSource',
        exports: 'default',
        sourcemap: true,
        inlineDynamicImports: true,
        banner,
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
]);
