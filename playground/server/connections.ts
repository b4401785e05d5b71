/**
 * Live client connections over the protocol of src/server (retry, reset,
 * replay, live, heartbeats, backlog bound): this file adds only what the
 * playground needs on top, an output queue per connection that honours the
 * stall, drip and malformed faults, and counts per endpoint.
 */
import type { MessageKind, Sink } from '../../src/server/connection.js';
import { createHub, type Hub as StreamHub } from '../../src/server/hub.js';
import type { FaultState } from './faults.js';
import { asStreamLog, type EventLog } from './log.js';
import { MALFORMED_EVENT, MALFORMED_PREFIX } from './sse-format.js';

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

/** The sink src/server writes messages into; it releases them to the wire as the faults allow. */
class FaultySink implements Sink {
  private queue: Array<{ buf: Buffer; offset: number }> = [];
  private queuedBytes = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  private eventsSent = 0;

  constructor(
    private readonly wire: Wire,
    private readonly faults: FaultState,
  ) {}

  write(text: string, kind: MessageKind): void {
    // A stalled connection must look dead, so heartbeats are skipped rather than queued.
    if (kind === 'heartbeat' && this.faults.stalled) return;
    if (kind !== 'event' || !this.faults.malformed) return this.enqueue(text);
    if (++this.eventsSent % MALFORMED_EVERY === 0) this.enqueue(MALFORMED_EVENT);
    this.enqueue(MALFORMED_PREFIX + text);
  }

  buffered(): number {
    return this.queuedBytes + this.wire.buffered();
  }

  end(): void {
    this.abort();
  }

  abort(): void {
    this.dispose();
    this.wire.kill();
  }

  /** Re-evaluates the faults now (stall ended, drip toggled). */
  kick(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pump();
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

/** One open stream, as the endpoints and the hub see it. */
export interface Connection {
  readonly endpoint: Endpoint;
}

interface Entry extends Connection {
  sink: FaultySink;
  stream: { abort(): void; dispose(): void };
}

export interface HubOptions {
  retryMs: number;
  heartbeatMs: number;
}

export class Hub {
  private readonly conns = new Set<Entry>();
  private readonly hub: StreamHub;
  private readonly offFaults: () => void;

  constructor(
    log: EventLog,
    private readonly faults: FaultState,
    options: HubOptions,
  ) {
    this.hub = createHub({
      log: asStreamLog(log),
      heartbeat: options.heartbeatMs,
      retry: options.retryMs,
      maxBufferedBytes: MAX_BACKLOG_BYTES,
      onError: (error) => console.error('stream error:', error),
    });
    this.offFaults = faults.onChange(() => {
      for (const conn of this.conns) conn.sink.kick();
    });
  }

  /**
   * Starts a stream: `retry:`, then a reset or the replay after `lastEventId`, then live events.
   * `heartbeat: 'comment'` (the `heartbeat=comment` query parameter) sends heartbeat comments only.
   */
  open(endpoint: Endpoint, wire: Wire, lastEventId: string | null, heartbeat: 'both' | 'comment' = 'both'): Connection {
    const sink = new FaultySink(wire, this.faults);
    const stream = this.hub.open(sink, lastEventId, { heartbeat });
    const entry: Entry = { endpoint, sink, stream: stream ?? { abort: () => sink.abort(), dispose: () => {} } };
    if (!stream) sink.abort();
    else this.conns.add(entry);
    return entry;
  }

  remove(conn: Connection): void {
    const entry = conn as Entry;
    entry.stream.dispose();
    entry.sink.dispose();
    this.conns.delete(entry);
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
    for (const conn of all) conn.stream.abort();
    return all.length;
  }

  close(): void {
    this.offFaults();
    this.dropAll();
    this.hub.close('abort');
  }
}
