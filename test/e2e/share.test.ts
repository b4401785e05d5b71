/**
 * `share` and `persist` in a real browser of every engine: several tabs of one browser (one profile, so
 * Web Locks, BroadcastChannel and storage are common to them) against the reference server, whose
 * connection count and request log say how many streams the tabs really hold. Each test closes its
 * tabs; the next one starts with none.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../playground/server/server';
import type { EngineBrowser, EnginePage } from './support/engines/index';
import { openBrowser, startFixtureServer, until } from './support/harness';
import { range, Tab } from './support/share-tabs';

let server: RunningServer;
let browser: EngineBrowser;
let tabs: Tab<EnginePage>[] = [];

const publish = (count: number, event?: string): void => {
  for (let i = 0; i < count; i++) server.publish({ data: { n: i }, ...(event ? { event } : {}) });
};

const open = async (name: string): Promise<Tab<EnginePage>> => {
  const tab = await Tab.open(browser, server, name);
  tabs.push(tab);
  return tab;
};

/** Waits until the tab's first source holds `count` events. */
const holding = (tab: Tab<EnginePage>, count: number, what: string) =>
  until(
    what,
    () => tab.ids(),
    (ids) => ids.length === count,
  );

/** Waits until the server holds `count` open streams. */
const streams = (count: number, what: string) =>
  until(
    what,
    () => server.connectionCount(),
    (n) => n === count,
  );

/** Waits until the tab's first source has this role. */
const inRole = (tab: Tab<EnginePage>, role: 'leader' | 'follower', what: string) =>
  until(
    what,
    () => tab.role(),
    (r) => r === role,
  );

/** Waits until every tab's source reports a role (leader, or a welcomed follower). */
const roles = (list: Tab<EnginePage>[]) =>
  until(
    'every tab to know its role',
    () => Promise.all(list.map((tab) => tab.role())),
    (seen) => seen.every((role) => role !== null),
  );

beforeAll(async () => {
  server = await startFixtureServer({ capacity: 10_000 });
  browser = await openBrowser();
});

afterEach(async () => {
  await Promise.all(tabs.map((tab) => tab.close()));
  tabs = [];
  await streams(0, 'the server to hold no stream');
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('what sharing needs', () => {
  // Without them every other share test would pass on the fallback (each tab its own stream) and fail
  // on the connection count; said here first, by name.
  it('this engine has Web Locks and BroadcastChannel on the test origin', async () => {
    const a = await open('a');
    const has = await a.evaluate(() => ({
      locks: typeof navigator.locks?.request === 'function',
      broadcastChannel: typeof BroadcastChannel === 'function',
      secureContext: window.isSecureContext,
    }));
    expect(has).toEqual({ locks: true, broadcastChannel: true, secureContext: true });
  });
});

describe('share', () => {
  it('three tabs hold one connection; every tab sees every event once, in order', async () => {
    const [a, b, c] = [await open('a'), await open('b'), await open('c')];
    const before = server.requests.length;
    for (const tab of [a, b, c]) await tab.create('/events', { share: true });
    expect(await roles([a, b, c])).toEqual(expect.arrayContaining(['leader', 'follower']));
    expect((await roles([a, b, c])).filter((r) => r === 'leader')).toHaveLength(1);
    await streams(1, 'one open stream');
    const from = server.log.lastId + 1;
    publish(50);
    const want = range(from, from + 49);
    for (const tab of [a, b, c]) {
      await until(
        `${tab.name} to see 50 events`,
        () => tab.ids(),
        (ids) => ids.length >= 50,
      );
      const snap = await tab.snapshot();
      expect(snap.events.map((e) => e.id)).toEqual(want);
      expect(snap.events[0]?.data).toEqual({ n: 0 });
      expect(snap.state).toBe('open');
      expect(snap.changes.every((change) => change.role !== undefined)).toBe(true);
    }
    expect(server.requests.length - before).toBe(1);
    expect(server.connectionCount()).toBe(1);
  });

  it("a follower's listener on a name the leader does not listen to still hears it", async () => {
    const a = await open('a');
    await a.create('/events', { share: true }, ['message']);
    await inRole(a, 'leader', 'a to lead');
    const b = await open('b');
    await b.create('/events', { share: true }, ['only-b']);
    await inRole(b, 'follower', 'b to follow');
    // The listen message and the leader's addEventListener race the publish: wait until it went through.
    await until(
      'b to hear only-b',
      async () => {
        publish(1, 'only-b');
        await new Promise((resolve) => setTimeout(resolve, 100));
        return (await b.snapshot()).events.length;
      },
      (n) => n > 0,
    );
    publish(3, 'only-b');
    publish(2);
    await until(
      'b to hear the last three only-b events',
      () => b.snapshot(),
      (s) => s.events.length >= 4,
    );
    await until(
      'a to hear its two messages',
      () => a.snapshot(),
      (s) => s.events.length >= 2,
    );
    const [sa, sb] = [await a.snapshot(), await b.snapshot()];
    expect(sa.events.map((e) => e.type)).toEqual(['message', 'message']);
    expect(sb.events.every((e) => e.type === 'only-b')).toBe(true);
    expect(server.connectionCount()).toBe(1);
  });

  it('close() in a follower ends its share only; in the leader it hands over without backoff', async () => {
    const [a, b, c] = [await open('a'), await open('b'), await open('c')];
    await a.create('/events', { share: true });
    await inRole(a, 'leader', 'a to lead');
    await b.create('/events', { share: true });
    await c.create('/events', { share: true });
    await roles([a, b, c]);
    await streams(1, 'one open stream');
    const from = server.log.lastId + 1;
    publish(5);
    await holding(c, 5, 'c to see 5');

    // A follower leaves: nothing changes for the others.
    await c.call('close');
    const closed = await c.snapshot();
    expect(closed.role).toBeNull();
    expect(closed.state).toBe('closed');
    expect(closed.changes.at(-1)).toMatchObject({ state: 'closed', reason: 'close', role: null });
    publish(5);
    await holding(b, 10, 'b to see 10');
    expect(server.connectionCount()).toBe(1);
    expect(await c.ids()).toHaveLength(5);

    // The leader leaves: b takes over from the last id, with no attempt used and no delay.
    const requests = server.requests.length;
    await a.call('close');
    await inRole(b, 'leader', 'b to lead');
    publish(5);
    await until(
      'b to see 15',
      () => b.ids(),
      (ids) => ids.length >= 15,
    );
    const snap = await b.snapshot();
    expect(snap.events.map((e) => e.id)).toEqual(range(from, from + 14));
    const handover = snap.changes.find((change) => change.reason === 'handover');
    expect(handover).toMatchObject({ state: 'reconnecting', attempt: 0, delay: 0, role: 'leader' });
    expect(snap.changes.at(-1)).toMatchObject({ state: 'open', role: 'leader' });
    const resumed = server.requests.slice(requests);
    expect(resumed).toHaveLength(1);
    expect(resumed[0]?.lastEventId).toBe(String(from + 9));
    await streams(1, 'one open stream');

    // The last tab closes the connection.
    await b.call('close');
    await streams(0, 'no stream');
  });

  it('reconnect() in a follower reconnects the shared connection', async () => {
    const [a, b] = [await open('a'), await open('b')];
    await a.create('/events', { share: true });
    await inRole(a, 'leader', 'a to lead');
    await b.create('/events', { share: true });
    await inRole(b, 'follower', 'b to follow');
    const from = server.log.lastId + 1;
    publish(3);
    await holding(b, 3, 'b to see 3');
    const requests = server.requests.length;
    await b.call('reconnect');
    await until(
      'a new request',
      () => server.requests.length,
      (n) => n === requests + 1,
    );
    expect(server.requests.at(-1)?.lastEventId).toBe(String(from + 2));
    for (const tab of [a, b]) {
      await until(
        `${tab.name} to see the manual reconnect`,
        () => tab.snapshot(),
        (s) => s.changes.some((change) => change.reason === 'manual'),
      );
    }
    publish(2);
    await holding(b, 5, 'b to see 5');
    expect(await b.ids()).toEqual(range(from, from + 4));
    expect(await a.ids()).toEqual(range(from, from + 4));
    await streams(1, 'one open stream');
  });

  it('without Web Locks or BroadcastChannel each tab connects on its own, with role null', async () => {
    const [a, b] = [await open('a'), await open('b')];
    await a.evaluate(() => {
      delete (Navigator.prototype as { locks?: unknown }).locks;
    });
    await b.evaluate(() => {
      delete (globalThis as { BroadcastChannel?: unknown }).BroadcastChannel;
    });
    await a.create('/events', { share: true });
    await b.create('/events', { share: true });
    await streams(2, 'two open streams');
    const from = server.log.lastId + 1;
    publish(3);
    for (const tab of [a, b]) {
      await holding(tab, 3, `${tab.name} to see 3`);
      expect(await tab.ids()).toEqual(range(from, from + 2));
      expect(await tab.role()).toBeNull();
      const snap = await tab.snapshot();
      expect(snap.changes.every((change) => change.role === null)).toBe(true);
    }
  });

  it('two keys in one tab stay apart', async () => {
    const [a, b] = [await open('a'), await open('b')];
    for (const tab of [a, b]) {
      await tab.create('/events', { share: { key: 'one' } }, ['message']);
      await tab.create('/events', { share: { key: 'two' } }, ['message']);
    }
    await streams(2, 'two open streams');
    const from = server.log.lastId + 1;
    publish(4);
    for (const tab of [a, b]) {
      for (const id of [1, 2]) {
        await until(
          `${tab.name} #${id} to see 4`,
          () => tab.ids(id),
          (ids) => ids.length === 4,
        );
        expect(await tab.ids(id)).toEqual(range(from, from + 3));
      }
    }
    const leaders = await Promise.all([a.role(1), a.role(2), b.role(1), b.role(2)]);
    expect(leaders.filter((r) => r === 'leader')).toHaveLength(2);
  });
});

describe('persist', () => {
  it("'session' resumes from the last id across a reload; an explicit lastEventId wins", async () => {
    const a = await open('a');
    await a.create('/events', { persist: 'session' });
    await streams(1, 'one open stream');
    expect(await a.role()).toBeNull();
    const from = server.log.lastId + 1;
    publish(3);
    await holding(a, 3, 'a to see 3');
    await a.load(server);
    publish(2); // while no tab listens
    const requests = server.requests.length;
    await a.create('/events', { persist: 'session' });
    await holding(a, 2, 'a to resume with the 2 it missed');
    expect(server.requests[requests]?.lastEventId).toBe(String(from + 2));
    expect(await a.ids()).toEqual(range(from + 3, from + 4));
    await a.call('close');
    await streams(0, 'no stream');

    await a.create('/events', { persist: 'session', lastEventId: String(from) });
    await until(
      'a third request',
      () => server.requests.length,
      (n) => n === requests + 2,
    );
    expect(server.requests.at(-1)?.lastEventId).toBe(String(from));
    await until(
      'the replay after the explicit id',
      () => a.ids(2),
      (ids) => ids.length === 4,
    );
  });

  it("a follower reloaded with persist gets what it missed from the leader, on the one stream; past what the tabs keep, one 'gap' error", async () => {
    const options = { share: true, persist: 'session' } as const;
    const a = await open('a');
    await a.create('/events', { share: true });
    await roles([a]);
    const b = await open('b');
    await b.create('/events', options);
    await roles([a, b]);
    expect(await b.role()).toBe('follower');
    const from = server.log.lastId + 1;
    publish(3);
    await holding(b, 3, 'b to see 3');
    const requests = server.requests.length;

    // Reloaded (sessionStorage keeps b's last id): 5 events while b is gone, 2 after it is back.
    await b.load(server);
    publish(5);
    await holding(a, 8, 'a to see 8');
    await b.create('/events', options);
    await roles([b]);
    publish(2);
    await holding(b, 7, 'b to see the 5 it missed and 2 more');
    expect(await b.ids()).toEqual(range(from + 3, from + 9));
    expect((await b.snapshot()).errors).toEqual([]);

    // Gone for more events than the tabs keep (1,000): one 'gap' error, then the stream goes on.
    await b.load(server);
    publish(1100);
    await until(
      'a to see them',
      () => a.ids().then((ids) => ids.length),
      (n) => n === 1110,
    );
    await b.create('/events', options);
    await roles([b]);
    publish(1);
    await holding(b, 1, "b to see the leader's next event");
    expect(await b.ids()).toEqual([String(from + 1110)]);
    const errors = (await b.snapshot()).errors;
    expect(errors.map((e) => e.type)).toEqual(['gap']);
    expect(errors[0]?.message).toContain(`"${from + 9}"`);
    expect(server.requests.length, 'still the one stream').toBe(requests);
  });

  it('storage that throws is reported once and the stream goes on', async () => {
    const a = await open('a');
    await a.evaluate(() => {
      Storage.prototype.setItem = () => {
        throw new DOMException('quota', 'QuotaExceededError');
      };
    });
    await a.create('/events', { persist: 'local' });
    await streams(1, 'one open stream');
    const from = server.log.lastId + 1;
    publish(5);
    await holding(a, 5, 'a to see 5');
    const snap = await a.snapshot();
    expect(snap.events.map((e) => e.id)).toEqual(range(from, from + 4));
    expect(snap.errors.filter((e) => e.type === 'storage')).toHaveLength(1);
    expect(snap.state).toBe('open');
  });
});
