/**
 * The log in a Redis Stream, shared by every node on that Redis: `XADD` with
 * `MAXLEN ~` appends, `XRANGE` replays (the SSE id is the entry id, so a resume
 * is a range read), and one blocking `XREAD` loop per process feeds every local
 * connection. Only a type of the client is used here: bring your own ioredis.
 */
import { compareStreamIds, isStreamId } from './redis-ids.js';
import type { EventLog, LogSubscriber, NewEvent, Replay, StoredEvent } from './types.js';
import { checkId } from './validate.js';

/** The part of an ioredis client this log uses (an `ioredis` `Redis` instance fits). */
export interface RedisStreamClient {
  /** ioredis' connection state; commands are refused at once while it is reconnecting or closed. */
  readonly status: string;
  call(command: string, ...args: Array<string | number>): Promise<unknown>;
  /** A second connection for the blocking read, which would otherwise stall every other command. */
  duplicate(): RedisStreamClient;
  disconnect(): void;
  on(event: 'ready' | 'close', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

export interface RedisLogOptions {
  /** An ioredis client (RESP2 or RESP3). It is not closed by `close()`. */
  client: RedisStreamClient;
  /**
   * The stream key.
   * @defaultValue 'events'
   */
  key?: string;
  /**
   * Entries kept, approximately (`XADD ... MAXLEN ~`); a client resuming from a trimmed id gets a `reset`.
   * @defaultValue 100_000
   */
  maxLen?: number;
  /**
   * How long one blocking `XREAD` waits (ms) before it is issued again.
   * @defaultValue 5_000
   */
  blockMs?: number;
}

type RawEntry = [id: string, fields: string[]];

const PAGE = 1000;
// ioredis states after a connection was lost; before the first connect, commands wait in its queue.
const LOST = new Set(['reconnecting', 'close', 'end']);
const RETRY_AFTER_FAILURE_MS = 250;

function toStored([id, fields]: RawEntry): StoredEvent {
  let event: string | undefined;
  let data = '';
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] === 'event') event = fields[i + 1];
    else if (fields[i] === 'data') data = fields[i + 1] ?? '';
  }
  return { id: checkId(id), data, ...(event ? { event } : {}) };
}

/**
 * XREAD's entries per stream: RESP2 answers [[key, entries], ...], RESP3 (ioredis 6's default)
 * a map that arrives as [key, entries, ...]; a timed-out block answers null.
 */
function streamEntries(reply: unknown): RawEntry[][] {
  if (!Array.isArray(reply)) return [];
  if (typeof reply[0] === 'string') return reply.filter((_, i) => i % 2 === 1) as RawEntry[][];
  return (reply as Array<[string, RawEntry[]]>).map(([, entries]) => entries);
}

/** XINFO STREAM's flat [name, value, ...] reply as a lookup. */
function infoField(reply: unknown, name: string): unknown {
  if (!Array.isArray(reply)) return undefined;
  for (let i = 0; i + 1 < reply.length; i += 2) if (reply[i] === name) return reply[i + 1];
  return undefined;
}

export function redisLog(options: RedisLogOptions): EventLog {
  const { client } = options;
  const key = options.key ?? 'events';
  const maxLen = options.maxLen ?? 100_000;
  const blockMs = options.blockMs ?? 5_000;
  if (!client || typeof client.call !== 'function') throw new TypeError('redisLog: "client" must be an ioredis client');
  if (typeof key !== 'string' || key === '') throw new TypeError('redisLog: "key" must be a non-empty string');
  if (!Number.isSafeInteger(maxLen) || maxLen < 1)
    throw new RangeError(`redisLog: maxLen must be a positive integer, got ${maxLen}`);
  if (!Number.isSafeInteger(blockMs) || blockMs < 1)
    throw new RangeError(`redisLog: blockMs must be a positive integer, got ${blockMs}`);

  const subscribers = new Set<LogSubscriber>();
  let reader: RedisStreamClient | undefined;
  let loop: Promise<void> | undefined;
  let closed = false;
  let down = false;
  let wake: (() => void) | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  /** Fails fast after a lost connection instead of queueing the command until Redis comes back. */
  function requireReady(target: RedisStreamClient, what: string): void {
    if (LOST.has(target.status)) throw new Error(`redisLog: cannot ${what}, Redis is not connected (${target.status})`);
  }

  function reportDown(error: Error): void {
    if (down) return;
    down = true;
    for (const subscriber of [...subscribers]) subscriber.error(error);
  }

  async function range(start: string, count: number): Promise<RawEntry[]> {
    return (await client.call('XRANGE', key, start, '+', 'COUNT', count)) as RawEntry[];
  }

  /** Everything from `start` on, page by page. */
  async function rangeFrom(start: string): Promise<StoredEvent[]> {
    const events: StoredEvent[] = [];
    let from = start;
    for (;;) {
      const page = await range(from, PAGE);
      for (const entry of page) events.push(toStored(entry));
      const last = page.at(-1);
      if (page.length < PAGE || !last) return events;
      from = `(${last[0]}`;
    }
  }

  async function lastGeneratedId(): Promise<string> {
    try {
      return String(infoField(await client.call('XINFO', 'STREAM', key), 'last-generated-id') ?? '0-0');
    } catch (error) {
      if (/no such key/i.test(String(error))) return '0-0';
      throw error;
    }
  }

  async function readLoop(): Promise<void> {
    const conn = client.duplicate();
    reader = conn;
    conn.on('error', () => {});
    // A lost connection ends every stream (clients back off, then resume); the loop carries on once Redis is back.
    conn.on('close', () => {
      if (!closed) reportDown(new Error('redisLog: lost the connection to Redis'));
    });
    conn.on('ready', () => {
      down = false;
    });
    let cursor: string | undefined;
    while (!closed) {
      try {
        // Asked on the shared client at once, so it is answered before any later XADD from this process.
        cursor ??= await lastGeneratedId();
        // Queued by the client until its own connection is up.
        const reply = await conn.call('XREAD', 'COUNT', PAGE, 'BLOCK', blockMs, 'STREAMS', key, cursor);
        for (const entries of streamEntries(reply)) {
          for (const entry of entries) {
            cursor = entry[0];
            const event = toStored(entry);
            for (const subscriber of [...subscribers]) subscriber.event(event);
          }
        }
      } catch (error) {
        if (closed) return;
        reportDown(error instanceof Error ? error : new Error(String(error)));
        await new Promise<void>((resolve) => {
          wake = resolve;
          retryTimer = setTimeout(resolve, RETRY_AFTER_FAILURE_MS);
        });
        wake = undefined;
      }
    }
  }

  return {
    async append(event: NewEvent): Promise<StoredEvent> {
      if (closed) throw new Error('redisLog: append() after close()');
      requireReady(client, 'publish');
      const fields = event.event ? ['event', event.event, 'data', event.data] : ['data', event.data];
      const id = await client.call('XADD', key, 'MAXLEN', '~', maxLen, '*', ...fields);
      return { id: checkId(String(id)), ...event };
    },

    async replay(lastEventId: string | null): Promise<Replay> {
      if (lastEventId === null || lastEventId === '') return { events: [] };
      requireReady(client, 'replay');
      let info: unknown;
      try {
        info = await client.call('XINFO', 'STREAM', key);
      } catch (error) {
        if (/no such key/i.test(String(error))) return { reset: { requested: lastEventId, oldest: null }, events: [] };
        throw error;
      }
      const last = String(infoField(info, 'last-generated-id') ?? '0-0');
      const first = (infoField(info, 'first-entry') as RawEntry | null | undefined)?.[0];
      // Stream ids are not consecutive, so an id older than the first one held is taken as a gap even
      // when it was the very last one trimmed: a spurious reset, never a silent loss.
      const known = isStreamId(lastEventId) && compareStreamIds(lastEventId, last) <= 0;
      const gap =
        !known ||
        (first === undefined ? compareStreamIds(lastEventId, last) !== 0 : compareStreamIds(lastEventId, first) < 0);
      if (!gap) return { events: await rangeFrom(`(${lastEventId}`) };
      const events = await rangeFrom('-');
      return { reset: { requested: lastEventId, oldest: events[0]?.id ?? null }, events };
    },

    subscribe(subscriber: LogSubscriber): () => void {
      subscribers.add(subscriber);
      loop ??= readLoop();
      return () => subscribers.delete(subscriber);
    },

    compare: compareStreamIds,

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      subscribers.clear();
      clearTimeout(retryTimer);
      wake?.();
      // Disconnecting rejects the blocked XREAD, which ends the loop.
      reader?.disconnect();
      await loop;
    },
  };
}
