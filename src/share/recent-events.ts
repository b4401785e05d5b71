/** An event as it crosses the channel: each tab parses `raw` itself. */
export interface SharedEvent {
  type: string;
  raw: string;
  id: string;
}

/** How many of the latest events every sharing tab keeps, and how much data at most (UTF-16 units). */
const RECENT_EVENTS = 1000;
const RECENT_CHARS = 1_000_000;

export interface RecentEvents {
  add(event: SharedEvent): void;
  /** The events after the last one with `id`; null when `id` is empty or no longer (or never) among them. */
  after(id: string): SharedEvent[] | null;
}

/**
 * The latest events of the shared stream, kept by every tab so that whichever leads can give a tab that
 * comes back (from the back/forward cache, or reloaded with `persist`) what it missed. Bounded in count
 * and size, so a long stream or one huge event never grows it further.
 */
export function recentEvents(maxEvents = RECENT_EVENTS, maxChars = RECENT_CHARS): RecentEvents {
  let events: SharedEvent[] = [];
  /** Index of the oldest kept event: dropping from the front is a move of this index, compacted now and then. */
  let oldest = 0;
  let chars = 0;
  return {
    add(event) {
      events.push(event);
      chars += event.raw.length;
      while (events.length - oldest > maxEvents || chars > maxChars) {
        chars -= (events[oldest] as SharedEvent).raw.length;
        oldest++;
      }
      if (oldest > maxEvents) {
        events = events.slice(oldest);
        oldest = 0;
      }
    },
    after(id) {
      if (!id) return null;
      for (let i = events.length - 1; i >= oldest; i--) {
        if ((events[i] as SharedEvent).id === id) return events.slice(i + 1);
      }
      return null;
    },
  };
}
