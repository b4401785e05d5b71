import type { EventSourceLikeConstructor } from './eventsource';

/**
 * Loads event-source-polyfill on first use, so apps that never need it do not ship it: bundlers
 * put it in a chunk of its own. (The <script> build swaps this module for polyfill-script-loader.ts.)
 */
export const loadPolyfill = (): Promise<EventSourceLikeConstructor> =>
  Promise.all([import('event-source-polyfill'), import('./polyfill-fetch')]).then(([module, { withFetchStream }]) => {
    // CommonJS interop: the named export, or the one on the default export.
    const exports = module as unknown as { EventSourcePolyfill?: unknown; default?: { EventSourcePolyfill?: unknown } };
    return withFetchStream((exports.EventSourcePolyfill ?? exports.default?.EventSourcePolyfill) as EventSourceLikeConstructor);
  });
