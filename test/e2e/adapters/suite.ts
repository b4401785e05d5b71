/**
 * The behaviour both adapters promise, run on a real React 19 or Vue 3 app in every engine against the
 * reference server: every event of a burst in order, one connection however many components ask
 * (and through StrictMode or a quick remount), the last one to go closes it and leaves no timer,
 * and a new URL or new options replace the source.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RELEASE_GRACE_MS } from '../../../src/adapters/registry';
import type { RunningServer } from '../../../playground/server/server';
import { type AppPage, type Framework, openAppPage, writeApp } from '../support/adapter-page';
import { currentEngine, type EngineBrowser } from '../support/engines/index';
import { ownTimers } from '../support/soak-page';
import { FIXTURE_MOUNTS, openBrowser, startFixtureServer, until } from '../support/harness';

const BURST = 10_000;
/** Long enough for a grace period to run out (and any extra connection to show) on a loaded machine. */
const SETTLE_MS = RELEASE_GRACE_MS + 1500;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function adapterSuite(framework: Framework): void {
  describe(`${framework} adapter in ${currentEngine()}`, () => {
    let server: RunningServer;
    let browser: EngineBrowser;
    let removeApp: (() => void) | undefined;
    let app: AppPage | undefined;

    const streams = () => server.requests.filter((r) => r.endpoint === 'sse');
    // Streams held in the page, whichever transport 'auto' chose (fetch where it streams, else EventSource).
    const pageStreams = (counts: { eventSources: number; fetches: number }) => counts.eventSources + counts.fetches;
    const open = async (): Promise<AppPage> => (app = await openAppPage(browser, server.url));
    const allOpen = (ids: string[]) =>
      until(
        `${ids.join(', ')} open`,
        () => app!.states(),
        (states) => ids.every((id) => states[id] === 'open'),
      );

    beforeAll(async () => {
      const written = await writeApp(framework);
      removeApp = written.remove;
      server = await startFixtureServer({ retryMs: 1000, staticMounts: { ...FIXTURE_MOUNTS, ...written.mounts } });
      browser = await openBrowser();
    });

    afterEach(async () => {
      const errors = (await app?.errors()) ?? [];
      await app?.page.close();
      app = undefined;
      await until(
        'no connection left',
        () => server.connectionCount(),
        (n) => n === 0,
      );
      server.requests.length = 0;
      expect(errors).toEqual([]);
    });

    afterAll(async () => {
      await browser?.close();
      await server?.close();
      removeApp?.();
    });

    it(`sees all ${BURST} events of one burst, in order, through the callback`, async () => {
      await open();
      await app!.render({ views: [{ id: 'a', url: '/events' }] });
      await allOpen(['a']);
      const batch = Array.from({ length: BURST }, (_, i) => ({ event: 'n', data: { n: i + 1 } }));
      const response = await fetch(`${server.url}/publish`, { method: 'POST', body: JSON.stringify(batch) });
      expect(response.status).toBe(200);
      await response.text();
      const seen = await until(
        `${BURST} events`,
        () => app!.seen('a'),
        (list) => list.length >= BURST,
        60_000,
      );
      expect(seen).toEqual(batch.map((event) => event.data.n));
      // The "latest" form renders the last value once the burst is over.
      await until(
        'the latest value rendered',
        () => app!.text('a'),
        (text) => text === `open ${BURST}`,
      );
    });

    it('shares one connection between two components on the same URL and options', async () => {
      await open();
      await app!.render({
        views: [
          { id: 'a', url: '/events' },
          { id: 'b', url: '/events' },
        ],
      });
      await allOpen(['a', 'b']);
      server.publish({ event: 'n', data: { n: 1 } });
      await until(
        'both saw the event',
        () => Promise.all([app!.seen('a'), app!.seen('b')]),
        ([a, b]) => a.length > 0 && b.length > 0,
      );
      await sleep(SETTLE_MS);
      expect(streams()).toHaveLength(1);
      expect(server.connectionCount()).toBe(1);
      expect(pageStreams(await app!.probe())).toBe(1);
    });

    if (framework === 'react') {
      it('opens one connection under StrictMode (mount, unmount, mount)', async () => {
        await open();
        await app!.render({ strict: true, views: [{ id: 'a', url: '/events' }] });
        await allOpen(['a']);
        await sleep(SETTLE_MS);
        expect(streams()).toHaveLength(1);
        expect(server.connectionCount()).toBe(1);
        expect(pageStreams((await app!.probe()).created)).toBe(1);
        // Every event reaches the callback once, though StrictMode subscribed twice.
        server.publish({ event: 'n', data: { n: 1 } });
        server.publish({ event: 'n', data: { n: 2 } });
        await until(
          'two events',
          () => app!.seen('a'),
          (list) => list.length >= 2,
        );
        await sleep(200);
        expect(await app!.seen('a')).toEqual([1, 2]);
      });
    }

    it('keeps the connection through a quick remount (within the grace period)', async () => {
      await open();
      await app!.render({ views: [{ id: 'a', url: '/events' }] });
      await allOpen(['a']);
      await app!.unmount();
      await app!.render({ views: [{ id: 'a', url: '/events' }] });
      await allOpen(['a']);
      await sleep(SETTLE_MS);
      expect(streams()).toHaveLength(1);
      expect(server.connectionCount()).toBe(1);
    });

    it('closes the connection when the last component unmounts, leaving no timer or EventSource', async () => {
      await open();
      const before = await app!.probe();
      await app!.render({
        views: [
          { id: 'a', url: '/events' },
          { id: 'b', url: '/events' },
        ],
      });
      await allOpen(['a', 'b']);
      // One of two goes: the other still holds the source.
      await app!.render({ views: [{ id: 'b', url: '/events' }] });
      await sleep(SETTLE_MS);
      expect(server.connectionCount()).toBe(1);
      await app!.unmount();
      await until(
        'the server saw the stream close',
        () => server.connectionCount(),
        (n) => n === 0,
      );
      const after = await until(
        'no live timer',
        () => app!.probe(),
        (probe) => probe.timers <= before.timers,
        5000,
      );
      expect(ownTimers(after)).toEqual(ownTimers(before));
      expect(pageStreams(after)).toBe(0);
      expect(streams()).toHaveLength(1);
    });

    it('closes the old source and opens a new one when the URL changes, then when the options change', async () => {
      await open();
      await app!.render({ views: [{ id: 'a', url: '/events?v=1' }] });
      await allOpen(['a']);
      await app!.render({ views: [{ id: 'a', url: '/events?v=2' }] });
      await until(
        'the new URL requested',
        () => streams().map((r) => r.url),
        (urls) => urls.includes('/events?v=2'),
      );
      await allOpen(['a']);
      await app!.render({ views: [{ id: 'a', url: '/events?v=2', options: { heartbeatTimeout: 30_000 } }] });
      await until(
        'a third stream',
        () => streams().length,
        (n) => n >= 3,
      );
      await allOpen(['a']);
      await sleep(SETTLE_MS);
      expect(streams().map((r) => r.url)).toEqual(['/events?v=1', '/events?v=2', '/events?v=2']);
      expect(server.connectionCount()).toBe(1);
      expect(pageStreams(await app!.probe())).toBe(1);
      // The current source is the one that delivers.
      server.publish({ event: 'n', data: { n: 7 } });
      await until(
        'the event',
        () => app!.seen('a'),
        (list) => list.includes(7),
      );
    });
  });
}
