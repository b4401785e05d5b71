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
    plugins: [resolve({ browser: true }), commonjs(), compile()],
    output: [
      { file: 'dist/resilient-eventsource.umd.js', format: 'umd', name: 'ResilientEventSource', exports: 'default', sourcemap: true, inlineDynamicImports: true },
      {
        file: 'dist/resilient-eventsource.umd.min.js',
        format: 'umd',
        name: 'ResilientEventSource',
        exports: 'default',
        sourcemap: true,
        inlineDynamicImports: true,
        plugins: [terser({ ecma: 2022, compress: { passes: 2 } })],
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
