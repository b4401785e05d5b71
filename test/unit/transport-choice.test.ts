import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ResilientEventSource } from '../../src';
import { settingsFrom } from '../../src/options';
import { createTransportChoice, forgetWorkingTransports, sseTransport } from '../../src/transport-choice';
import type { ResilientEventSourceOptions } from '../../src/types';
import { FakeEventSource } from './support/setup';

const EventSource = FakeEventSource as unknown as ResilientEventSourceOptions['EventSource'];
const choose = (options: ResilientEventSourceOptions = {}) => sseTransport(settingsFrom(options));
/** A browser: a global EventSource beside Node's streaming fetch. */
const inBrowser = (): unknown => vi.stubGlobal('EventSource', FakeEventSource);

beforeEach(() => forgetWorkingTransports());
afterEach(() => vi.unstubAllGlobals());

describe("'auto': the transport that sees the most, where it works", () => {
  it('prefers fetch where fetch streams, so comments, statuses and retry: are seen', () => {
    inBrowser();
    expect(choose()).toBe('fetch');
  });

  it('takes native EventSource where fetch cannot stream', () => {
    inBrowser();
    vi.stubGlobal('ReadableStream', undefined);
    expect(choose()).toBe('native');
  });

  it('takes an injected EventSource: the caller chose it', () => {
    expect(choose({ EventSource })).toBe('native');
  });

  it('takes fetch, or else the polyfill, when headers, a method or a body are set', () => {
    inBrowser();
    expect(choose({ headers: { A: 'b' } })).toBe('fetch');
    expect(choose({ EventSource, method: 'POST' })).toBe('fetch');
    vi.stubGlobal('fetch', undefined);
    expect(choose({ headers: { A: 'b' } })).toBe('polyfill');
  });

  it('without any EventSource: the polyfill where XHR exists, else nothing (server-side rendering)', () => {
    expect(choose()).toBeUndefined();
    vi.stubGlobal('XMLHttpRequest', class {});
    expect(choose()).toBe('polyfill');
  });

  it('an explicit transport is taken as it is, native only where there is one', () => {
    inBrowser();
    expect(choose({ transport: 'native' })).toBe('native');
    expect(choose({ transport: 'polyfill' })).toBe('polyfill');
    expect(choose({ transport: 'fetch' })).toBe('fetch');
    vi.unstubAllGlobals();
    expect(choose({ transport: 'native' })).toBeUndefined();
  });
});

describe('the WebSocket fallback decision', () => {
  const settings = settingsFrom({ EventSource, websocket: { url: 'wss://api.example/ws', after: 2 } });

  it('switches after `after` SSE failures and remembers the URL until it is forgotten', () => {
    const first = createTransportChoice(settings, 'https://api.example/events');
    expect(first.next()).toBe('native');
    expect(first.failed('native')).toBeUndefined();
    expect(first.failed('native')).toBe('switch');
    expect(first.next()).toBe('websocket');
    // A new source on the same stream starts on the WebSocket …
    expect(createTransportChoice(settings, 'https://api.example/events').next()).toBe('websocket');
    // … another stream does not …
    expect(createTransportChoice(settings, 'https://api.example/other').next()).toBe('native');
    // … and once forgotten, neither does this one.
    forgetWorkingTransports();
    expect(createTransportChoice(settings, 'https://api.example/events').next()).toBe('native');
  });

  it('a failed trial return goes straight back; an SSE that opens clears the memory', () => {
    const choice = createTransportChoice(settings, 'https://api.example/events');
    choice.failed('native');
    choice.failed('native');
    expect(choice.returnToSse()).toBe(true);
    expect(choice.next()).toBe('native');
    expect(choice.failed('native')).toBe('probe-failed');
    expect(choice.returnToSse()).toBe(true);
    choice.opened('native');
    expect(createTransportChoice(settings, 'https://api.example/events').next()).toBe('native');
  });

  it("transport 'websocket' stays on it: no trial return to SSE", () => {
    const only = createTransportChoice(
      settingsFrom({ EventSource, transport: 'websocket', websocket: { url: 'wss://api.example/ws' } }),
      'https://api.example/events',
    );
    expect(only.next()).toBe('websocket');
    expect(only.returnToSse()).toBe(false);
    expect(only.next()).toBe('websocket');
    expect(() => settingsFrom({ transport: 'websocket' })).toThrow(/transport 'websocket' needs websocket: \{ url \}/);
  });

  it('uses the WebSocket where SSE is unavailable, and says why when neither is there', () => {
    const none = settingsFrom({ transport: 'native', websocket: { url: 'wss://api.example/ws' } });
    const choice = createTransportChoice(none, undefined);
    expect(choice.next()).toBe('websocket');
    expect(choice.returnToSse()).toBe(false);
    expect(() => createTransportChoice(settingsFrom({ transport: 'native' }), undefined).next()).toThrow(
      /no EventSource in this environment/,
    );
  });
});

describe("Last-Event-ID header when 'auto' picked fetch", () => {
  /** A fetch that records each request's headers and answers with an event stream holding one event, id 7. */
  function recordingFetch() {
    const requests: { url: string; headers: Headers }[] = [];
    const fetch = vi.fn(async (url: string | URL | Request, init?: RequestInit) => {
      requests.push({ url: String(url), headers: new Headers(init?.headers) });
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('id: 7\ndata: 1\n\n'));
          controller.close();
        },
      });
      return new Response(body, { headers: { 'Content-Type': 'text/event-stream' } });
    });
    return { fetch: fetch as unknown as typeof globalThis.fetch, requests };
  }

  async function secondRequest(url: string, options: ResilientEventSourceOptions = {}) {
    inBrowser();
    vi.stubGlobal('location', new URL('https://app.example/page'));
    const { fetch, requests } = recordingFetch();
    const source = new ResilientEventSource(url, { fetch, reconnect: { initialDelay: 0, jitter: 0 }, ...options });
    try {
      expect(source.transport).toBe('fetch');
      await vi.waitFor(() => expect(requests.length).toBeGreaterThanOrEqual(2));
      return requests[1]!;
    } finally {
      source.close();
    }
  }

  it('sends it to the page origin', async () => {
    const request = await secondRequest('https://app.example/events');
    expect(request.headers.get('Last-Event-ID')).toBe('7');
  });

  it('leaves it out cross-origin, where native would send none (no CORS preflight); the query parameter carries the id', async () => {
    const request = await secondRequest('https://api.example/events');
    expect(request.headers.has('Last-Event-ID')).toBe(false);
    expect(new URL(request.url).searchParams.get('lastEventId')).toBe('7');
  });

  it('sends it cross-origin when fetch was asked for, or headers are set', async () => {
    expect(
      (await secondRequest('https://api.example/events', { transport: 'fetch' })).headers.get('Last-Event-ID'),
    ).toBe('7');
    expect(
      (await secondRequest('https://api.example/events', { headers: { A: 'b' } })).headers.get('Last-Event-ID'),
    ).toBe('7');
  });
});
