/**
 * Injected-fault state and its timers. Only the lasting faults live here;
 * one-shot actions (drop, restart) are carried out by the server.
 */

export interface DripConfig {
  chunkBytes: number;
  intervalMs: number;
}

export interface StatusFault {
  code: number;
  count: number;
}

/** A validated `POST /faults` body. `null` / `false` mean "clear this one". */
export interface FaultPlan {
  clear?: boolean;
  drop?: boolean;
  restart?: number;
  /** Seconds to stall; null clears. */
  stall?: number | null;
  status?: StatusFault | null;
  sseDisabled?: boolean;
  wsDisabled?: boolean;
  drip?: DripConfig | null;
  malformed?: boolean;
}

/** What `GET /faults` shows: only the faults that are active. */
export interface FaultSnapshot {
  stall?: { until: number; remainingMs: number };
  status?: StatusFault;
  sseDisabled?: true;
  wsDisabled?: true;
  drip?: DripConfig;
  malformed?: true;
}

export const DEFAULT_DRIP: DripConfig = { chunkBytes: 3, intervalMs: 20 };

export class FaultState {
  sseDisabled = false;
  wsDisabled = false;
  drip: DripConfig | null = null;
  malformed = false;
  private status: StatusFault | null = null;
  private stallUntil = 0;
  private stallTimer: ReturnType<typeof setTimeout> | undefined;
  private stallWaiters: Array<() => void> = [];
  private readonly listeners = new Set<() => void>();

  get stalled(): boolean {
    return this.stallUntil > 0;
  }

  /** Applies the lasting parts of a plan (`clear` first, so it can be combined with new faults). */
  apply(plan: FaultPlan): void {
    if (plan.clear) this.reset();
    if (plan.stall !== undefined) this.setStall(plan.stall);
    if (plan.status !== undefined) this.status = plan.status && plan.status.count > 0 ? { ...plan.status } : null;
    if (plan.sseDisabled !== undefined) this.sseDisabled = plan.sseDisabled;
    if (plan.wsDisabled !== undefined) this.wsDisabled = plan.wsDisabled;
    if (plan.drip !== undefined) this.drip = plan.drip ? { ...plan.drip } : null;
    if (plan.malformed !== undefined) this.malformed = plan.malformed;
    this.changed();
  }

  clearAll(): void {
    this.reset();
    this.changed();
  }

  /** Consumes one injected status answer, if any are left. */
  takeStatus(): number | undefined {
    if (!this.status) return undefined;
    const { code } = this.status;
    if (--this.status.count <= 0) this.status = null;
    return code;
  }

  /** Resolves at once, or when the current stall ends or is cleared. */
  whenNotStalled(): Promise<void> {
    if (!this.stalled) return Promise.resolve();
    return new Promise((resolve) => this.stallWaiters.push(resolve));
  }

  /** Called after any change, so open connections can re-pump their output. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  snapshot(now = Date.now()): FaultSnapshot {
    const snap: FaultSnapshot = {};
    if (this.stalled) snap.stall = { until: this.stallUntil, remainingMs: Math.max(0, this.stallUntil - now) };
    if (this.status) snap.status = { ...this.status };
    if (this.sseDisabled) snap.sseDisabled = true;
    if (this.wsDisabled) snap.wsDisabled = true;
    if (this.drip) snap.drip = { ...this.drip };
    if (this.malformed) snap.malformed = true;
    return snap;
  }

  /** Clears every timer and releases anyone waiting on a stall. */
  dispose(): void {
    this.reset();
    this.listeners.clear();
  }

  private reset(): void {
    this.setStall(null);
    this.status = null;
    this.sseDisabled = false;
    this.wsDisabled = false;
    this.drip = null;
    this.malformed = false;
  }

  private setStall(seconds: number | null): void {
    clearTimeout(this.stallTimer);
    this.stallTimer = undefined;
    if (seconds === null || seconds <= 0) {
      this.endStall();
      return;
    }
    const ms = Math.round(seconds * 1000);
    this.stallUntil = Date.now() + ms;
    this.stallTimer = setTimeout(() => {
      this.stallTimer = undefined;
      this.endStall();
      this.changed();
    }, ms);
  }

  private endStall(): void {
    this.stallUntil = 0;
    const waiters = this.stallWaiters;
    this.stallWaiters = [];
    for (const resume of waiters) resume();
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
