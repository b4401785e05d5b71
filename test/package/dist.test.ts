import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';

// The built files, as users load them: run after `npm run build` (the test command builds first).
const require = createRequire(import.meta.url);
const UMD = ['dist/resilient-eventsource.umd.js', 'dist/resilient-eventsource.umd.min.js'];

/** An EventSource stand-in that opens and delivers one event, enough to prove the class works. */
class OneShotEventSource {
  onopen: ((e: Event) => void) | null = null;
  onerror: ((e: Event) => void) | null = null;
  readonly listeners = new Map<string, (e: Event) => void>();
  constructor(readonly url: string) {
    setTimeout(() => {
      this.onopen?.(new Event('open'));
      this.listeners.get('price')?.(new MessageEvent('price', { data: '{"px":1}', lastEventId: '3' }));
    }, 0);
  }
  addEventListener(type: string, listener: (e: Event) => void) {
    this.listeners.set(type, listener);
  }
  removeEventListener(type: string) {
    this.listeners.delete(type);
  }
  close() {}
}

type Module = typeof import('../../src/index');

async function receivesOneEvent(module: Pick<Module, 'ResilientEventSource'>) {
  const source = new module.ResilientEventSource<{ price: { px: number } }>('https://api.example/events', {
    EventSource: OneShotEventSource as unknown as typeof EventSource,
  });
  const event = await new Promise<{ data: { px: number }; lastEventId: string }>((resolve) =>
    source.on('price', resolve),
  );
  source.close();
  return event;
}

describe('built package', () => {
  it('ESM: import by package name resolves dist/index.mjs and works', async () => {
    // A variable, so the typecheck (which runs before the build) does not look for dist/ types.
    const specifier = 'resilient-eventsource';
    const module = (await import(specifier)) as Module;
    expect(Object.keys(module).sort()).toEqual(['ResilientEventSource', 'ResilientEventSourceError']);
    expect(await receivesOneEvent(module)).toMatchObject({ data: { px: 1 }, lastEventId: '3' });
  });

  it('CJS: require by package name resolves dist/index.cjs and works', async () => {
    expect(require.resolve('resilient-eventsource')).toMatch(/dist[\\/]index\.cjs$/);
    const module = require('resilient-eventsource') as Module;
    expect(new module.ResilientEventSourceError('http', 'x')).toBeInstanceOf(Error);
    expect(await receivesOneEvent(module)).toMatchObject({ data: { px: 1 } });
  });

  it('types: both entry points have bundled declarations', () => {
    for (const file of ['dist/index.d.ts', 'dist/index.d.cts']) {
      const types = readFileSync(file, 'utf8');
      expect(types).toContain('declare class ResilientEventSource<');
      expect(types).toMatch(/export \{[^}]*ResilientEventSource[^}]*\}/);
    }
  });

  it.each(UMD)('UMD %s: a <script> global that is the class, and holds the named exports', async (file) => {
    const window: Record<string, unknown> = { setTimeout, clearTimeout, queueMicrotask, URL, Event, MessageEvent };
    window.self = window;
    runInNewContext(readFileSync(file, 'utf8'), window);
    const global = window.ResilientEventSource as Module['ResilientEventSource'] & Module;
    expect(typeof global).toBe('function');
    expect(global.ResilientEventSource).toBe(global);
    expect(typeof global.ResilientEventSourceError).toBe('function');
    expect(await receivesOneEvent({ ResilientEventSource: global })).toMatchObject({ data: { px: 1 } });
  });

  it.each(UMD)('UMD %s: CommonJS shape (module.exports)', (file) => {
    const module = { exports: {} as Record<string, unknown> };
    runInNewContext(readFileSync(file, 'utf8'), { module, exports: module.exports, setTimeout, URL });
    const exported = module.exports as unknown as Module['ResilientEventSource'] & Module;
    expect(typeof exported).toBe('function');
    expect(exported.ResilientEventSource).toBe(exported);
  });
});
