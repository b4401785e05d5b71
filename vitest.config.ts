import { defineConfig } from 'vitest/config';

// Node projects (unit + type tests, the reference server, the built package, the SDK over real sockets) run
// together in `npm run test:node`; the real-browser suites in test/e2e run on their own in `npm run test:browser`.
const E2E_ENGINES = ['chromium', 'firefox', 'webkit'] as const;
/**
 * Firefox and WebKit run this stated subset (CI has 40 minutes on 2 cores): every file but the
 * playground page (it drives Chromium through playwright; its share-playground counterpart runs everywhere).
 * Files added to test/e2e run in Chromium at once; add them here to
 * run them in all three engines.
 */
const E2E_SUBSET = [
  'test/e2e/conformance.test.ts',
  'test/e2e/resilience.test.ts',
  'test/e2e/script-tag-and-csp.test.ts',
  'test/e2e/chaos-soak.test.ts',
  'test/e2e/leaks.test.ts',
  'test/e2e/quiet-streams.test.ts',
  'test/e2e/adapters/react.test.ts',
  'test/e2e/adapters/vue.test.ts',
  'test/e2e/share.test.ts',
  'test/e2e/share-playground.test.ts',
  'test/e2e/share-failover.test.ts',
  'test/e2e/share-bfcache.test.ts',
];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          setupFiles: ['test/unit/support/loaded-transports.ts'],
          typecheck: { enabled: true, include: ['test/types/**/*.test-d.ts'], tsconfig: './tsconfig.node.json' },
        },
      },
      {
        test: { name: 'server', include: ['test/server/**/*.test.ts'], testTimeout: 20_000 },
      },
      {
        // resilient-eventsource/server over real sockets, with a real redis-server on a loopback port.
        test: { name: 'server-module', include: ['test/server-module/**/*.test.ts'], testTimeout: 30_000 },
      },
      {
        // The built dist/ files as users load them (needs `npm run build` first).
        test: { name: 'package', include: ['test/package/**/*.test.ts'] },
      },
      {
        // The SDK in Node over real sockets: fetch and WebSocket transports against the reference server.
        test: { name: 'integration', include: ['test/integration/**/*.test.ts'], testTimeout: 30_000 },
      },
      // ---- e2e: one project per engine (E2E_ENGINE), run one after another (groupOrder) ----
      ...E2E_ENGINES.map((engine, index) => ({
        test: {
          name: `e2e-${engine}`,
          include: engine === 'chromium' ? ['test/e2e/**/*.test.ts'] : E2E_SUBSET,
          // WDIO_LOG_LEVEL: the WebDriver client (WebKit) logs at info unless told otherwise.
          env: { E2E_ENGINE: engine, WDIO_LOG_LEVEL: 'error' },
          testTimeout: 120_000,
          hookTimeout: 60_000,
          fileParallelism: false,
          sequence: { groupOrder: index + 1 },
        },
      })),
    ],
    // Prints the per-engine, per-transport table (ran / ran as equivalent / failed) after e2e runs.
    reporters: ['default', './test/e2e/support/engine-table-reporter.ts'],
  },
});
