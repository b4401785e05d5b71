/**
 * One client connection, whatever carries it: replay first, then live events,
 * with a bounded backlog. Live events that arrive while the replay is being
 * read are held, then sent unless the replay already had them.
 */
import { formatEvent, formatHeartbeatComment, formatHeartbeatEvent, formatReset, formatRetry } from './sse-format.js';
import type { Replay, StoredEvent } from './types.js';

/** The transport end of a connection: SSE over a Node response, a web stream, or a WebSocket. */
/** What a message is, for sinks that treat kinds apart (the playground's fault injection does). */
export type MessageKind = 'retry' | 'reset' | 'event' | 'heartbeat';

export interface Sink {
  /** Queues one whole SSE message (one WebSocket frame). */
  write(text: string, kind: MessageKind): void;
  /** Bytes queued but not yet sent. */
  buffered(): number;
  /** A clean end: the client sees the stream finish and reconnects. */
  end(): void;
  /** An abrupt end, for a client that cannot keep up. */
  abort(): void;
  /** true: the replay may be written as one piece (a byte stream); false keeps one message per event (frames). */
  readonly joinsReplay?: boolean;
}

export interface ConnectionOptions {
  retry: number;
  maxBufferedBytes: number;
  compare: (a: string, b: string) => number;
  /** false: heartbeats are the comment only, without the `event: heartbeat` (for testing clients). */
  heartbeatEvent: boolean;
  /** Called once, however the connection ends. */
  onClose: (connection: Connection) => void;
}

export class Connection {
  private closed = false;
  /** Live events held until the replay has been sent; undefined once streaming live. */
  private held: StoredEvent[] | undefined = [];
  private lastSentId: string | undefined;
  /** The backlog allowed: the bound, plus the replay (itself bounded by the log) while it drains. */
  private allowance: number;

  constructor(
    private readonly sink: Sink,
    private readonly options: ConnectionOptions,
  ) {
    this.allowance = options.maxBufferedBytes;
    this.write(formatRetry(options.retry), 'retry');
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Sends the reset and the replay, then whatever arrived live in the meantime. */
  startLive(replay: Replay, lastEventId: string | null): void {
    if (this.closed) return;
    if (replay.reset) this.write(formatReset(replay.reset.requested, replay.reset.oldest), 'reset');
    // A resume that replays nothing must still drop live events up to the client's own id (a lagging feed).
    else if (lastEventId) this.lastSentId = lastEventId;
    const before = this.sink.buffered();
    this.allowance = Number.POSITIVE_INFINITY;
    if (this.sink.joinsReplay && replay.events.length > 1) this.sendJoined(replay.events);
    else for (const event of replay.events) this.sendEvent(event);
    this.allowance = this.options.maxBufferedBytes + (this.sink.buffered() - before);
    const held = this.held ?? [];
    this.held = undefined;
    for (const event of held) this.live(event);
  }

  live(event: StoredEvent): void {
    if (this.closed) return;
    if (this.held) {
      this.held.push(event);
      return;
    }
    // The replay may already have carried it (a log read and the live feed overlap).
    if (this.lastSentId !== undefined && this.options.compare(event.id, this.lastSentId) <= 0) return;
    this.sendEvent(event);
  }

  heartbeat(now: number): void {
    this.write(formatHeartbeatComment(now), 'heartbeat');
    if (this.options.heartbeatEvent) this.write(formatHeartbeatEvent(now), 'heartbeat');
  }

  /** A clean end (server shutdown, log failure). */
  end(): void {
    if (this.finish()) this.sink.end();
  }

  /** An abrupt end: the client sees a broken stream. */
  abort(): void {
    if (this.finish()) this.sink.abort();
  }

  /** Called by the transport when the client went away. */
  dispose(): void {
    this.finish();
  }

  private sendEvent(event: StoredEvent): void {
    this.lastSentId = event.id;
    this.write(formatEvent(event), 'event');
  }

  /** One write for the whole replay: 10,000 small writes would cost more than the bytes. */
  private sendJoined(events: readonly StoredEvent[]): void {
    let text = '';
    for (const event of events) text += formatEvent(event);
    this.lastSentId = events.at(-1)?.id;
    this.write(text, 'event');
  }

  private write(text: string, kind: MessageKind): void {
    if (this.closed) return;
    this.sink.write(text, kind);
    // Past the bound the client is cut off; it reconnects and resumes from its last id.
    if (this.sink.buffered() > this.allowance && this.finish()) this.sink.abort();
  }

  private finish(): boolean {
    if (this.closed) return false;
    this.closed = true;
    this.held = undefined;
    this.options.onClose(this);
    return true;
  }
}
