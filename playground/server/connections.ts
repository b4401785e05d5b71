/**
 * Live client connections, whatever the transport: each has an output queue
 * that honours the stall, drip and malformed faults, and the hub fans every
 * log append and heartbeat out to all of them.
 */
import type { FaultState } from './faults.js';
import type { EventLog, LogEntry } from './log.js';
import {
  formatEvent,
  formatHeartbeat,
  formatReset,
  formatRetry,
  MALFORMED_EVENT,
  MALFORMED_PREFIX,
} from './sse-format.js';

export type Endpoint = 'sse' | 'ws';

/** The transport-specific end of a connection. */
export interface Wire {
  /** Writes bytes; `last` marks the end of one message (a WebSocket frame boundary). */
  write(piece: Buffer, last: boolean): void;
  /** Abrupt close: no clean end, no close frame. */
  kill(): void;
  /** Bytes accepted by the socket but not yet sent. */
  buffered(): number;
}

// A client that cannot keep up with this much backlog is cut off rather than buffered forever.
const MAX_BACKLOG_BYTES = 32 * 1024 * 1024;
// Malformed mode adds an undecodable extra event before every this-many events.
const MALFORMED_EVERY = 3;

export class Connection {
  private queue: Array<{ buf: Buffer; offset: number }> = [];
  private queuedBytes = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  private eventsSent = 0;
  /** `?heartbeat=comment`: heartbeat ticks send the comment only, no `event: heartbeat`. */
  commentOnlyHeartbeat = false;

  constructor(
    readonly endpoint: Endpoint,
    private readonly wire: Wire,
    private readonly faults: FaultState,
  ) {}

  sendEntry(entry: LogEntry): void {
    const text = formatEvent(entry);
    if (!this.faults.malformed) return this.enqueue(text);
    if (++this.eventsSent % MALFORMED_EVERY === 0) this.enqueue(MALFORMED_EVENT);
    this.enqueue(MALFORMED_PREFIX + text);
  }

  sendText(text: string): void {
    this.enqueue(text);
  }

  heartbeat(now: number): void {
    // A stalled connection must look dead, so heartbeats are skipped rather than queued.
    if (this.faults.stalled) return;
    const [comment, event] = formatHeartbeat(now);
    this.enqueue(comment);
    if (!this.commentOnlyHeartbeat) this.enqueue(event);
  }

  /** Re-evaluates the faults now (stall ended, drip toggled). */
  kick(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pump();
  }

  kill(): void {
    this.dispose();
    this.wire.kill();
  }

  /** Stops all output and timers; the socket is closed or closing. */
  dispose(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.queue = [];
    this.queuedBytes = 0;
  }

  private enqueue(text: string): void {
    if (this.closed) return;
    const buf = Buffer.from(text, 'utf8');
    this.queue.push({ buf, offset: 0 });
    this.queuedBytes += buf.length;
    if (this.queuedBytes + this.wire.buffered() > MAX_BACKLOG_BYTES) return this.kill();
    this.pump();
  }

  /** Writes queued output: everything at once normally, tiny timed chunks under drip, nothing while stalled. */
  private pump(): void {
    if (this.timer !== undefined) return;
    while (!this.closed && !this.faults.stalled) {
      const head = this.queue[0];
      if (!head) return;
      const drip = this.faults.drip;
      const end = drip ? Math.min(head.offset + drip.chunkBytes, head.buf.length) : head.buf.length;
      const piece = head.buf.subarray(head.offset, end);
      head.offset = end;
      const last = end >= head.buf.length;
      if (last) this.queue.shift();
      this.queuedBytes -= piece.length;
      this.wire.write(piece, last);
      if (drip && this.queue.length > 0) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.pump();
        }, drip.intervalMs);
        return;
      }
    }
  }
}

export interface HubOptions {
  retryMs: number;
  heartbeatMs: number;
}

export class Hub {
  private readonly conns = new Set<Connection>();
  private readonly unsubscribe: Array<() => void>;
  private readonly heartbeatTimer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly log: EventLog,
    private readonly faults: FaultState,
    private readonly options: HubOptions,
  ) {
    this.unsubscribe = [
      log.onAppend((entry) => {
        for (const conn of this.conns) conn.sendEntry(entry);
      }),
      faults.onChange(() => {
        for (const conn of this.conns) conn.kick();
      }),
    ];
    if (options.heartbeatMs > 0) {
      this.heartbeatTimer = setInterval(() => {
        const now = Date.now();
        for (const conn of this.conns) conn.heartbeat(now);
      }, options.heartbeatMs);
    }
  }

  /**
   * Starts a stream: `retry:`, then a reset or the replay after `lastEventId`,
   * then live events. All synchronous, so no append can fall between replay and live.
   */
  open(endpoint: Endpoint, wire: Wire, lastEventId: string | null): Connection {
    const conn = new Connection(endpoint, wire, this.faults);
    conn.sendText(formatRetry(this.options.retryMs));
    const plan = this.log.resume(lastEventId);
    if (plan.reset) conn.sendText(formatReset(plan.reset.requested, plan.reset.oldest));
    for (const entry of plan.entries) conn.sendEntry(entry);
    this.conns.add(conn);
    return conn;
  }

  remove(conn: Connection): void {
    conn.dispose();
    this.conns.delete(conn);
  }

  counts(): Record<Endpoint, number> {
    const counts = { sse: 0, ws: 0 };
    for (const conn of this.conns) counts[conn.endpoint]++;
    return counts;
  }

  get size(): number {
    return this.conns.size;
  }

  /** The `drop` fault: kills every connection abruptly; returns how many. */
  dropAll(): number {
    const all = [...this.conns];
    this.conns.clear();
    for (const conn of all) conn.kill();
    return all.length;
  }

  close(): void {
    clearInterval(this.heartbeatTimer);
    for (const off of this.unsubscribe) off();
    this.dropAll();
  }
}
