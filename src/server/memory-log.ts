/**
 * The in-process log: ids are consecutive integers ("1", "2", ...), the oldest
 * entries fall off past `capacity`, and a resume is a binary search.
 */
import type { EventLog, LogSubscriber, NewEvent, Replay, StoredEvent } from './types.js';

export interface MemoryLogOptions {
  /**
   * Events kept for replay; older ones are dropped (a client resuming from one gets a `reset`).
   * @defaultValue 10_000
   */
  capacity?: number;
}

const INTEGER_ID = /^\d{1,15}$/;

export function memoryLog(options: MemoryLogOptions = {}): EventLog {
  const capacity = options.capacity ?? 10_000;
  if (!Number.isSafeInteger(capacity) || capacity < 1)
    throw new RangeError(`memoryLog: capacity must be a positive integer, got ${capacity}`);

  // An array plus a start offset, compacted now and then, so dropping the head is O(1) amortised.
  let items: StoredEvent[] = [];
  let start = 0;
  let last = 0;
  const subscribers = new Set<LogSubscriber>();

  const oldest = (): number => last - (items.length - start) + 1;

  /** Index into items of the first event with an id above n (ids are consecutive). */
  const indexAfter = (n: number): number => start + Math.max(0, n - oldest() + 1);

  return {
    async append(event: NewEvent): Promise<StoredEvent> {
      last += 1;
      const stored: StoredEvent = {
        id: String(last),
        data: event.data,
        ...(event.event ? { event: event.event } : {}),
      };
      items.push(stored);
      if (items.length - start > capacity) start++;
      if (start >= capacity) {
        items = items.slice(start);
        start = 0;
      }
      for (const subscriber of [...subscribers]) subscriber.event(stored);
      return stored;
    },

    async replay(lastEventId: string | null): Promise<Replay> {
      if (lastEventId === null || lastEventId === '') return { events: [] };
      const n = INTEGER_ID.test(lastEventId) ? Number(lastEventId) : Number.NaN;
      // Unknown (not ours, or newer than anything here, e.g. after a restart) or already dropped: a gap.
      if (Number.isNaN(n) || n > last || n < oldest() - 1) {
        const held = items.length > start ? String(oldest()) : null;
        return { reset: { requested: lastEventId, oldest: held }, events: items.slice(start) };
      }
      return { events: items.slice(indexAfter(n)) };
    },

    subscribe(subscriber: LogSubscriber): () => void {
      subscribers.add(subscriber);
      return () => subscribers.delete(subscriber);
    },

    compare: (a, b) => Number(a) - Number(b),

    async close(): Promise<void> {
      subscribers.clear();
    },
  };
}
