/** The API of the soak page (fixtures/soak.js), as the chaos soak and the leak tests drive it. */
import type { PageOptions } from './harness';

export interface Status {
  state: string;
  received: number;
  last: number;
  max: number;
  opens: number;
}
export interface Anomaly {
  kind: string;
  expected: number;
  got: number | string;
  fault: string;
  msSinceFault: number;
  state: string;
  opens: number;
}
export interface Tally {
  state: string;
  transport: string | null;
  received: number;
  lost: number;
  /** the first runs of lost numbers, [from, to] */
  firstLost: [number, number][];
  duplicates: number;
  outOfOrder: number;
  gaps: number;
  bogus: number;
  opens: number;
  reconnecting: number;
  reasons: Record<string, number>;
  errors: Record<string, number>;
  anomalies: Anomaly[];
}

export interface Probe {
  instrumented: boolean;
  timers: number;
  timerList: { id: number; kind: string; ms: number; stack: string }[];
  eventSources: number;
  webSockets: number;
  webSocketsNotClosed: number;
  fetches: number;
  fetchList: { url: string; phase: string; stack: string }[];
  xhrs: number;
  listeners: Record<'online' | 'offline' | 'visibilitychange', number>;
  listenerList: { type: string; stack: string }[];
  created: { timers: number; eventSources: number; webSockets: number; fetches: number; xhrs: number };
}

export interface SoakWindow {
  soak: {
    create(url: string, options: PageOptions, names: string[], total: number): number;
    status(id: number): Status;
    tally(id: number, sent: number): Tally;
    setFault(id: number, label: string): void;
    cycles(id: number, count: number, mode: 'reconnect' | 'drop' | 'mixed', timeoutMs?: number): Promise<number>;
    call(id: number, method: 'close' | 'reconnect'): void;
    forget(id: number): void;
    probe(): Probe;
  };
}

/**
 * The page's timers, with WebKitWebDriver's own left unnumbered: each Execute Script arms a 30 s
 * script timeout in the page (its stack names evaluateJavaScriptFunction), a new one per call.
 */
export const ownTimers = (p: Probe): Probe['timerList'] =>
  p.timerList.map((t) => (t.stack.includes('evaluateJavaScriptFunction') ? { ...t, id: 0 } : t));
