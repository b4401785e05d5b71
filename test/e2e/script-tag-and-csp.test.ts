import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageErrorWatch } from './support/csp-check';
import { openHarness, type BrowserHarness } from './support/harness';

// The harness page loads the UMD bundle by <script> tag and is served with a strict CSP
// (script-src 'self'; connect-src 'self' ws: wss:), so every transport is proven under both.
// Each test checks its own CSP state: it first proves the page reports a deliberate violation,
// then asserts that nothing else (no SDK request, no script error) was reported during it.
let h: BrowserHarness;
beforeAll(async () => {
  h = await openHarness();
});
afterAll(() => h?.close());

const transports = ['native', 'polyfill', 'fetch', 'websocket'] as const;

describe('UMD bundle from a <script> tag on a strict-CSP page', () => {
  it('exposes the global in both shapes', async () => {
    const shapes = await h.page.evaluate(() => {
      const global = (
        window as unknown as {
          ResilientEventSource: { ResilientEventSource: unknown; ResilientEventSourceError: unknown };
        }
      ).ResilientEventSource;
      return [typeof global, global.ResilientEventSource === global, typeof global.ResilientEventSourceError];
    });
    expect(shapes).toEqual(['function', true, 'function']);
  });

  it('event-source-polyfill is not loaded until a connection needs it', async () => {
    const loaded = () =>
      h.page.evaluate(() => ({
        global: 'EventSourcePolyfill' in window,
        scripts: [...document.scripts].map((s) => s.src).filter((src) => src.includes('event-source-polyfill')),
      }));
    const errors = pageErrorWatch(h);
    await errors.start();
    expect(await loaded()).toEqual({ global: false, scripts: [] });
    const id = await h.create('/events', { transport: 'polyfill' });
    await expect.poll(async () => (await h.snapshot(id)).state, { timeout: 15_000 }).toBe('open');
    expect(await loaded()).toEqual({ global: true, scripts: [`${h.server.url}/dist/event-source-polyfill.min.js`] });
    await h.call(id, 'close');
    expect(await errors.unexpected(), 'CSP violations or page errors while loading the polyfill').toEqual([]);
  });

  it.each(transports)('%s: receives published events in order', async (transport) => {
    const errors = pageErrorWatch(h);
    await errors.start();
    const wsUrl = `${h.server.url.replace('http', 'ws')}/ws`;
    const id = await h.create('/events', { transport, websocket: { url: wsUrl }, parse: 'text' }, ['csp']);
    await expect.poll(async () => (await h.snapshot(id)).state, { timeout: 15_000 }).toBe('open');
    const sent = ['a', 'b', 'c', 'd', 'e'];
    for (const data of sent) h.server.publish({ event: 'csp', data });
    await expect.poll(async () => (await h.snapshot(id)).events.map((e) => e.data), { timeout: 15_000 }).toEqual(sent);
    const snapshot = await h.snapshot(id);
    expect(snapshot.transport).toBe(transport);
    expect(snapshot.errors).toEqual([]);
    await h.call(id, 'close');
    expect(await errors.unexpected(), `CSP violations or page errors on ${transport}`).toEqual([]);
  });
});
