import type { EnginePage } from './engines/types';
import { type BrowserHarness, until } from './harness';

/**
 * Where the deliberate violation points: an image from another origin, which the page's CSP
 * (img-src 'self' data:) refuses. An image, not a fetch: WebKitGTK 2.50 rejects a fetch that
 * connect-src refuses without dispatching securitypolicyviolation (README, engine limits).
 */
const PROBE_ORIGIN = 'http://127.0.0.1:59999';
const isProbe = (line: string): boolean => line.includes('127.0.0.1:59999');

/**
 * Page errors and CSP violations seen during ONE test, in any engine. `start()` triggers a
 * deliberate img-src violation and waits until the page reported it, so the check is proven
 * able to fail in this very test; `unexpected()` is every other error since `start()`.
 */
export function pageErrorWatch(h: BrowserHarness, page: EnginePage = h.page) {
  let from = 0;
  return {
    async start(): Promise<void> {
      from = (await h.pageErrors(page)).length;
      await page.evaluate((url) => {
        new Image().src = `${url}/csp-probe.png`;
      }, PROBE_ORIGIN);
      await until(
        'the deliberate CSP violation to be reported by the page',
        async () => (await h.pageErrors(page)).slice(from),
        (seen) => seen.some((line) => line.startsWith('csp:') && isProbe(line)),
        10_000,
      );
    },
    async unexpected(): Promise<string[]> {
      return (await h.pageErrors(page)).slice(from).filter((line) => !isProbe(line));
    },
  };
}
