/**
 * The one ordered, bounded event log every endpoint reads from.
 * Ids are monotonic integers (strings on the wire); the oldest entries fall
 * off once `capacity` is reached, which is what makes a resume `reset` possible.
 */
import type { EventLog as StreamLog } from '../../src/server/types.js';

export interface LogEntry {
  /** The wire id ("1", "2", ...). */
  readonly id: string;
  /** The same id as a number, for ordering. */
  readonly seq: number;
  /** Event name; absent means the default `message`. */
  readonly event?: string;
  readonly data: string;
  /** When it was appended (epoch ms). */
  readonly t: number;
}

/** What a subscriber gets when a client resumes from an id. */
export interface ResumePlan {
  /** Set when the requested id cannot be resumed exactly (left the log, or unknown). */
  reset?: { requested: string; oldest: string };
  /** Entries to replay before streaming live, oldest first. */
  entries: LogEntry[];
}

export type AppendListener = (entry: LogEntry) => void;

export class EventLog {
  readonly capacity: number;
  // Kept as an array plus a start offset so trimming the head is O(1) amortised.
  private items: LogEntry[] = [];
  private start = 0;
  private last = 0;
  private readonly listeners = new Set<AppendListener>();

  constructor(capacity = 1000) {
    if (!Number.isSafeInteger(capacity) || capacity < 1)
      throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
  }

  /** Id of the newest entry ever appended (0 before the first). */
  get lastId(): number {
    return this.last;
  }

  /** Id of the oldest entry still kept; when empty, the id the next entry will at least have. */
  get oldestId(): number {
    return this.items[this.start]?.seq ?? this.last + 1;
  }

  get size(): number {
    return this.items.length - this.start;
  }

  /** Entries still kept, oldest first (a copy). */
  entries(): LogEntry[] {
    return this.items.slice(this.start);
  }

  /**
   * Appends one event. `id`, when given, must be an integer above the last id;
   * callers validate first so that a rejected batch changes nothing.
   */
  append(input: { event?: string; data: string; id?: number }): LogEntry {
    const seq = input.id ?? this.last + 1;
    if (!Number.isSafeInteger(seq) || seq <= this.last)
      throw new RangeError(`id ${seq} must be an integer greater than ${this.last}`);
    const entry: LogEntry = {
      id: String(seq),
      seq,
      data: input.data,
      t: Date.now(),
      ...(input.event ? { event: input.event } : {}),
    };
    this.last = seq;
    this.items.push(entry);
    if (this.size > this.capacity) this.start++;
    if (this.start > this.capacity) {
      this.items = this.items.slice(this.start);
      this.start = 0;
    }
    for (const listener of this.listeners) listener(entry);
    return entry;
  }

  /** Calls `listener` synchronously for every future append; returns the unsubscribe. */
  onAppend(listener: AppendListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * What to send a client that last saw `requested` (null: a fresh client, live only).
   * An id that left the log, is newer than anything we have (fresh log after a restart)
   * or is not an integer gets a reset and everything still kept.
   */
  resume(requested: string | null): ResumePlan {
    if (requested === null || requested === '') return { entries: [] };
    const n = /^\d{1,15}$/.test(requested) ? Number(requested) : NaN;
    if (Number.isNaN(n) || n > this.last || n < this.oldestId - 1) {
      return { reset: { requested, oldest: String(this.oldestId) }, entries: this.entries() };
    }
    return { entries: this.items.slice(this.firstIndexAfter(n)) };
  }

  /** Index (into items) of the first kept entry with seq > n; ids are sorted so bisect. */
  private firstIndexAfter(n: number): number {
    let lo = this.start;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.items[mid]?.seq ?? Infinity) > n) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

/**
 * This log as the event log src/server streams from, so the playground speaks the
 * module's protocol. The playground keeps its own log for what only it needs:
 * synchronous appends, caller-chosen ids, and its /debug/stats figures.
 */
export function asStreamLog(log: EventLog): StreamLog {
  return {
    append: async (event) => log.append(event),
    replay: async (lastEventId) => {
      const { reset, entries } = log.resume(lastEventId);
      return reset ? { reset, events: entries } : { events: entries };
    },
    subscribe: (subscriber) => log.onAppend((entry) => subscriber.event(entry)),
    compare: (a, b) => Number(a) - Number(b),
    close: async () => {},
  };
}
