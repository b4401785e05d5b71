/** What the bench measures and how often: shared by the driver (Node) and the page. */

/** Bare anchors, then ours on each transport. */
export type Variant =
  | 'native'
  | 'polyfill'
  | 'fetch-event-source'
  | 'websocket'
  | 'ours-native'
  | 'ours-polyfill'
  | 'ours-fetch'
  | 'ours-websocket';

export interface BenchConfig {
  /** Measured rounds per section; each round runs every variant once, in order (A B C A B C …). */
  rounds: number;
  /** Unrecorded rounds first, so every variant's code is warm. */
  warmupRounds: number;
  /** A run that has not finished by then fails. */
  runTimeoutMs: number;
  /** Pause between runs, for sockets to close and the GC to settle. */
  pauseMs: number;
  tiny: {
    count: number;
    /** Fewer for the WebSocket variants: Chromium takes ~40 µs per message, so 100 000 would take seconds. */
    websocketCount: number;
    variants: Variant[];
  };
  big: { count: number; eventBytes: number; variants: Variant[] };
  stall: {
    heartbeatTimeout: number;
    initialDelay: number;
    /** event-source-polyfill's reconnect delay: it clamps every duration to at least 1000 ms. */
    polyfillRetry: number;
    variants: Variant[];
  };
}

/** Each of ours right after its anchor, so the two runs of a pair see the same machine load. */
const PAIRED: Variant[] = [
  'native',
  'ours-native',
  'polyfill',
  'ours-polyfill',
  'fetch-event-source',
  'ours-fetch',
  'websocket',
  'ours-websocket',
];

export const CONFIG: BenchConfig = {
  // At least 5 interleaved rounds, each run long enough to be stable: 400,000 tiny events take bare
  // native EventSource well over a second; 4000 events of 64 KiB (256 MiB) take it about one.
  rounds: 7,
  warmupRounds: 1,
  runTimeoutMs: 30_000,
  pauseMs: 100,
  tiny: {
    count: 400_000,
    websocketCount: 25_000,
    variants: PAIRED,
  },
  big: {
    count: 4000,
    eventBytes: 64 * 1024,
    variants: PAIRED,
  },
  stall: {
    heartbeatTimeout: 1000,
    initialDelay: 100,
    polyfillRetry: 1000,
    variants: ['polyfill', 'ours-native', 'ours-polyfill', 'ours-fetch', 'ours-websocket'],
  },
};

/** One stall run, in page milliseconds. */
export interface StallRun {
  /** Opening the source → its first event: one connection round trip on that transport. */
  connectMs: number;
  /** Last event before the silence → first event of the new connection. */
  recoverMs: number;
}

/** What the page POSTs to /results. */
export interface PageResults {
  userAgent: string;
  visibility: string;
  /** fetch('/ping') round trips, ms. */
  pingMs: number[];
  /** events/s per run. */
  tiny: Partial<Record<Variant, number[]>>;
  /** MB/s (10^6 bytes of event data per second) per run. */
  big: Partial<Record<Variant, number[]>>;
  stall: Partial<Record<Variant, StallRun[]>>;
  /** `section/variant` → the first error of that variant (its runs stop there). */
  errors: Record<string, string>;
}
