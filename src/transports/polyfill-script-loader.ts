import { ConfigError } from '../errors';
import { type ConfiguredPolyfill, configuredPolyfill, type PolyfillConstructor } from './polyfill';

type PolyfillGlobal = { EventSourcePolyfill?: PolyfillConstructor };

/** The polyfill ships beside the <script> bundle (dist/event-source-polyfill.min.js). */
const POLYFILL_FILE = 'event-source-polyfill.min.js';

// Read while the bundle's own <script> runs: later, document.currentScript is another script or null.
const bundleUrl = (globalThis as { document?: Document }).document?.currentScript?.getAttribute('src') ?? undefined;

/**
 * The <script> build loads event-source-polyfill on first use, from the file beside the bundle,
 * so pages that never need it (every modern browser, unless asked) do not download it.
 * A polyfill the page already loaded with its own script is used as it is.
 */
export const loadPolyfill = (): Promise<ConfiguredPolyfill> =>
  new Promise((resolve, reject) => {
    const found = (): ConfiguredPolyfill | undefined => {
      const Polyfill = (globalThis as PolyfillGlobal).EventSourcePolyfill;
      return Polyfill && configuredPolyfill(Polyfill);
    };
    const ready = found();
    if (ready) return resolve(ready);
    const doc = (globalThis as { document?: Document }).document;
    if (!doc || !bundleUrl) {
      return reject(
        new ConfigError("transport 'polyfill' needs event-source-polyfill: load its script before this one"),
      );
    }
    const script = doc.createElement('script');
    script.src = new URL(POLYFILL_FILE, new URL(bundleUrl, doc.baseURI)).href;
    script.onload = () => {
      const ctor = found();
      if (ctor) resolve(ctor);
      else reject(new ConfigError(`${script.src} did not define EventSourcePolyfill`));
    };
    // Not a configuration error: a network failure, worth retrying.
    script.onerror = () => {
      script.remove();
      reject(new TypeError(`could not load ${script.src}`));
    };
    doc.head.append(script);
  });
