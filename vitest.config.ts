import { defineConfig } from 'vitest/config';

// Node projects (unit + type tests, the reference server, the built package, the SDK over real sockets) run
// together in `npm run test:node`; the real-browser suites in test/e2e run on their own in `npm run test:browser`.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
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
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
