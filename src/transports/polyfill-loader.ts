import type { ConfiguredPolyfill, PolyfillConstructor } from './polyfill';

/**
 * Loads event-source-polyfill on first use, so apps that never need it do not ship it: bundlers
 * put it in a chunk of its own. (The <script> build swaps this module for polyfill-script-loader.ts.)
 */
export const loadPolyfill = (): Promise<ConfiguredPolyfill> =>
  Promise.all([import('event-source-polyfill'), import('./polyfill')]).then(([module, { configuredPolyfill }]) => {
    // CommonJS interop: the named export, or the one on the default export.
    const exports = module as unknown as { EventSourcePolyfill?: unknown; default?: { EventSourcePolyfill?: unknown } };
    return configuredPolyfill(
      (exports.EventSourcePolyfill ?? exports.default?.EventSourcePolyfill) as PolyfillConstructor,
    );
  });
