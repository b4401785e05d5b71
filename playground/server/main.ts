/** CLI: `npm run serve` (PORT, HOST, LOG_CAPACITY, HEARTBEAT_MS, RETRY_MS, PRODUCERS=0). */
import { startServer } from './server.js';

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0) {
    console.error(`${name} must be a non-negative integer, got "${raw}"`);
    process.exit(2);
  }
  return value;
}

const server = await startServer({
  port: intFromEnv('PORT', 5180),
  host: process.env.HOST || '127.0.0.1',
  capacity: Math.max(1, intFromEnv('LOG_CAPACITY', 1000)),
  heartbeatMs: intFromEnv('HEARTBEAT_MS', 5000),
  retryMs: intFromEnv('RETRY_MS', 1000),
  producers: process.env.PRODUCERS !== '0',
});
console.log(`resilient-eventsource playground: ${server.url}`);

let stopping = false;
function shutdown(signal: string): void {
  // A second signal means "now": skip the graceful path.
  if (stopping) process.exit(1);
  stopping = true;
  console.log(`${signal}: shutting down`);
  server.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
