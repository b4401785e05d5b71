/**
 * Quiet streams in a real Chromium against the reference server: a stream whose only traffic is a comment
 * now and then must stay open with zero reconnects, and a stream that goes byte-silent must still be found
 * within `heartbeatTimeout` (plus slack) on every transport that sees bytes, and on native where the
 * server sends heartbeat events (the rule is in the README, "Heartbeats").
 *
 * `/events?heartbeat=comment` (and `/ws?heartbeat=comment`) make the server's heartbeat tick a comment
 * line only, with no `event: heartbeat`, so nothing but comments proves liveness.
 *
 * The timings are scaled so the suite stays short: a comment every second, heartbeatTimeout 3 s, 30 s of
 * quiet. QUIET_STREAMS_REAL=1 runs the case the issue names with the true defaults instead: no options at
 * all (heartbeatTimeout 45 s), a comment every 15 s, 5 minutes of quiet (about 7 minutes in all).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHarness, type BrowserHarness, type PageOptions, type Snapshot, until } from './support/harness';

const REAL = process.env.QUIET_STREAMS_REAL === '1';
/** The server's heartbeat tick: here a comment only. */
const COMMENT_EVERY = REAL ? 15_000 : 1000;
/** The SDK's default, or the scaled one. */
const HEARTBEAT_TIMEOUT = REAL ? 45_000 : 3000;
const QUIET_FOR = REAL ? 5 * 60_000 : 30_000;
/** How long the server goes silent: longer than any watchdog here, so each one has to fire. */
const STALL_S = Math.ceil((2 * HEARTBEAT_TIMEOUT) / 1000) + 2;

let h: BrowserHarness;
beforeAll(async () => {
  h = await openHarness({ heartbeatMs: COMMENT_EVERY, retryMs: 200 });
});
afterAll(async () => {
  await h?.closeAll();
  h?.server.faults.clearAll();
  await h?.close();
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const opens = (s: Snapshot): number => s.changes.filter((c) => c.state === 'open').length;

interface Case {
  name: string;
  url: string;
  options: PageOptions;
  /** Its watchdog can see this stream's liveness: a byte-silent stream must be found. */
  watched: boolean;
}

/** The scaled quick-start options of the README, or none at all for the true defaults. */
const defaults: PageOptions = REAL ? {} : { heartbeatTimeout: HEARTBEAT_TIMEOUT };
const scaled = (options: PageOptions): PageOptions => ({
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  reconnect: { initialDelay: 200, maxDelay: 1000 },
  ...options,
});

const CASES: Case[] = [
  { name: "the defaults ('auto')", url: '/events?heartbeat=comment&case=auto', options: defaults, watched: true },
  {
    name: 'fetch',
    url: '/events?heartbeat=comment&case=fetch',
    options: scaled({ transport: 'fetch' }),
    watched: true,
  },
  {
    name: 'polyfill',
    url: '/events?heartbeat=comment&case=polyfill',
    options: scaled({ transport: 'polyfill' }),
    watched: true,
  },
  {
    name: 'websocket',
    url: '/events?heartbeat=comment&case=websocket',
    options: scaled({ transport: 'websocket', websocket: { url: '/ws?heartbeat=comment&case=websocket' } }),
    watched: true,
  },
  // Native cannot see comments: it is not watched once open until the server sends a heartbeat event.
  {
    name: 'native, comments only',
    url: '/events?heartbeat=comment&case=native',
    options: scaled({ transport: 'native' }),
    watched: false,
  },
  // The server's ordinary heartbeat: a comment and an `event: heartbeat` on every tick.
  {
    name: 'native, with heartbeat events',
    url: '/events?case=native-heartbeat',
    options: scaled({ transport: 'native' }),
    watched: true,
  },
];

describe(`quiet streams (${REAL ? 'true defaults, 5 minutes' : 'scaled timings'})`, () => {
  const ids = new Map<string, number>();
  const snapshot = (name: string): Promise<Snapshot> => h.snapshot(ids.get(name)!);

  it(
    `a stream that sends only a comment every ${COMMENT_EVERY / 1000} s stays open for ${QUIET_FOR / 1000} s with zero reconnects, on every transport`,
    async () => {
      for (const c of CASES) ids.set(c.name, await h.create(c.url, c.options, ['message', 'heartbeat']));
      for (const c of CASES)
        await until(
          `${c.name} open`,
          () => snapshot(c.name),
          (s) => s.state === 'open',
        );

      const auto = await snapshot(CASES[0]!.name);
      expect(auto.transport, "the defaults pick the transport that sees comments: 'fetch'").toBe('fetch');

      // Checked every second, so the first reconnect fails the test at once, naming what it saw.
      const end = Date.now() + QUIET_FOR;
      while (Date.now() < end) {
        for (const c of CASES) {
          const s = await snapshot(c.name);
          const quiet = { state: s.state, opens: opens(s), errors: s.errors.map((e) => e.type) };
          expect(quiet, `${c.name} after ${QUIET_FOR / 1000 - (end - Date.now()) / 1000} s`).toEqual({
            state: 'open',
            opens: 1,
            errors: [],
          });
        }
        await sleep(1000);
      }

      // Nothing but comments came: no event at all on the comment-only streams.
      for (const c of CASES.filter((x) => x.url.includes('heartbeat=comment'))) {
        expect((await snapshot(c.name)).events, `${c.name}: events received`).toEqual([]);
      }
      // And the stream with heartbeat events did get them (so it is the watched one).
      const beats = (await snapshot('native, with heartbeat events')).events.filter((e) => e.type === 'heartbeat');
      expect(beats.length).toBeGreaterThan(QUIET_FOR / COMMENT_EVERY / 2);
      expect(await h.pageErrors()).toEqual([]);
    },
    QUIET_FOR + 60_000,
  );

  it(
    `a byte-silent stream is found within heartbeatTimeout (${HEARTBEAT_TIMEOUT / 1000} s) plus slack wherever the watchdog can see liveness`,
    async () => {
      expect(ids.size, 'the sources of the test before').toBe(CASES.length);
      const stalledAt = Date.now();
      h.server.faults.apply({ stall: STALL_S });
      const watched = CASES.filter((c) => c.watched);
      const foundAfter = new Map<string, number>();
      await until(
        'a heartbeat-timeout error on every watched transport',
        async () => {
          for (const c of watched) {
            if (foundAfter.has(c.name)) continue;
            const s = await snapshot(c.name);
            if (s.errors.some((e) => e.type === 'heartbeat-timeout')) foundAfter.set(c.name, Date.now() - stalledAt);
          }
          return foundAfter.size;
        },
        (n) => n === watched.length,
        (STALL_S - 1) * 1000,
      );
      for (const [name, ms] of foundAfter) {
        // The last byte came at most one tick before the stall, so the watchdog fires between
        // heartbeatTimeout − one tick and heartbeatTimeout after it; the rest is slack for a busy machine.
        expect(ms, `${name}: ms from the stall to its heartbeat-timeout`).toBeGreaterThanOrEqual(
          HEARTBEAT_TIMEOUT - COMMENT_EVERY - 500,
        );
        expect(ms, `${name}: ms from the stall to its heartbeat-timeout`).toBeLessThanOrEqual(HEARTBEAT_TIMEOUT + 3000);
        const s = await snapshot(name);
        expect(s.changes.find((c) => c.reason === 'heartbeat-timeout')?.state, name).toBe('reconnecting');
      }
      // Native over a comment-only stream cannot tell silence from comments: by the rule, it waits.
      const blind = await snapshot('native, comments only');
      expect({ state: blind.state, errors: blind.errors }).toEqual({ state: 'open', errors: [] });

      // After the stall, every watched source is open again.
      h.server.faults.clearAll();
      for (const c of watched) {
        await until(
          `${c.name} open again`,
          () => snapshot(c.name),
          (s) => s.state === 'open' && opens(s) >= 2,
        );
      }
      expect(await h.pageErrors()).toEqual([]);
    },
    STALL_S * 1000 + 60_000,
  );
});
