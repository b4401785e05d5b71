/**
 * What this JavaScript environment offers, looked up when asked (never at import), so that a global
 * installed later (a polyfill, a test stub) is seen and server-side rendering touches nothing.
 */
import type { EventSourceConstructor } from './types';

type Globals = Record<string, unknown>;

/** Whether a fetch response body can be read as a stream here. */
export const fetchStreamingSupported = (): boolean =>
  ['fetch', 'ReadableStream', 'AbortController', 'TextDecoder', 'Response'].every(
    (name) => typeof (globalThis as Globals)[name] === 'function',
  ) &&
  // Some older engines shipped fetch without a streamed `response.body`.
  'body' in Response.prototype;

/** The environment's own EventSource, if it has one. */
export const globalEventSource = (): EventSourceConstructor | undefined =>
  (globalThis as { EventSource?: EventSourceConstructor }).EventSource;

/** The EventSource the native transport uses: the injected one, else the environment's. */
export const nativeEventSource = (injected: EventSourceConstructor | undefined): EventSourceConstructor | undefined =>
  injected ?? globalEventSource();

/** Whether XMLHttpRequest exists, which event-source-polyfill needs where fetch cannot stream. */
export const xhrSupported = (): boolean => typeof (globalThis as Globals).XMLHttpRequest === 'function';

/** The page's origin, or undefined outside a page (Node, some workers). */
export const pageOrigin = (): string | undefined => (globalThis as { location?: Location }).location?.origin;
