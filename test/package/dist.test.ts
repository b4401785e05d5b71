import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runInNewContext } from 'node:vm';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { rollup } from 'rollup';
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

async function receivesOneEvent(module: Pick<Module, 'ResilientEventSource'>, shared = false) {
  const source = new module.ResilientEventSource<{ price: { px: number } }>('https://api.example/events', {
    EventSource: OneShotEventSource as unknown as typeof EventSource,
    ...(shared ? { share: true, persist: 'session' as const } : {}),
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
    // The <script> build carries tab sharing.
    expect(await receivesOneEvent({ ResilientEventSource: global }, true)).toMatchObject({ data: { px: 1 } });
  });

  it.each(UMD)('UMD %s: CommonJS shape (module.exports)', (file) => {
    const module = { exports: {} as Record<string, unknown> };
    runInNewContext(readFileSync(file, 'utf8'), { module, exports: module.exports, setTimeout, URL });
    const exported = module.exports as unknown as Module['ResilientEventSource'] & Module;
    expect(typeof exported).toBe('function');
    expect(exported.ResilientEventSource).toBe(exported);
  });
});

/**
 * An app bundled by rollup with node-resolve, as a user's bundler would (package.json's sideEffects
 * honoured: marked free of them, the entry that enables sharing would be dropped), and run: it
 * constructs a source with `share: true` and returns 'shared' or the error it got.
 */
async function runBundledApp(specifier: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'share-app-'));
  try {
    // The package installed in the app's node_modules, as an app has it.
    await mkdir(join(dir, 'node_modules'));
    await symlink(process.cwd(), join(dir, 'node_modules/resilient-eventsource'), 'dir');
    const entry = join(dir, 'app.mjs');
    await writeFile(
      entry,
      `import { ResilientEventSource } from '${specifier}';
       class Quiet { addEventListener() {} removeEventListener() {} close() {} }
       let result = 'shared';
       try { new ResilientEventSource('https://api.example/events', { share: true, EventSource: Quiet }).close(); }
       catch (error) { result = error.message; }
       export default result;`,
    );
    const bundle = await rollup({ input: entry, plugins: [nodeResolve()], external: ['mitt', 'eventsource-parser'] });
    const out = join(dir, 'out.mjs');
    await bundle.write({ file: out, format: 'es', inlineDynamicImports: true });
    await bundle.close();
    return ((await import(pathToFileURL(out).href)) as { default: string }).default;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('resilient-eventsource/share', () => {
  it('ESM: the same class as the core entry, and with it sources share and persist', async () => {
    const specifier = 'resilient-eventsource/share';
    const shared = (await import(specifier)) as Module;
    const core = (await import('resilient-eventsource' as string)) as Module;
    expect(shared.ResilientEventSource).toBe(core.ResilientEventSource);
    expect(shared.ResilientEventSourceError).toBe(core.ResilientEventSourceError);
    expect(await receivesOneEvent(shared, true)).toMatchObject({ data: { px: 1 }, lastEventId: '3' });
  });

  it('CJS: require resolves dist/share.cjs, the same class as the core entry', async () => {
    expect(require.resolve('resilient-eventsource/share')).toMatch(/dist[\\/]share\.cjs$/);
    const shared = require('resilient-eventsource/share') as Module;
    expect(shared.ResilientEventSource).toBe((require('resilient-eventsource') as Module).ResilientEventSource);
    expect(await receivesOneEvent(shared, true)).toMatchObject({ data: { px: 1 } });
  });

  it("types: declarations that import the core's (one class)", () => {
    for (const [file, core] of [
      ['dist/share.d.ts', './index.js'],
      ['dist/share.d.cts', './index.cjs'],
    ]) {
      const types = readFileSync(file!, 'utf8');
      expect(types).toContain(`from '${core}'`);
      expect(types).not.toContain('declare class');
    }
  });

  it('a bundled app keeps the import that enables sharing; one without it is told what to import', async () => {
    expect(await runBundledApp('resilient-eventsource/share')).toBe('shared');
    expect(await runBundledApp('resilient-eventsource')).toMatch(/from 'resilient-eventsource\/share'/);
  }, 30_000);
});
