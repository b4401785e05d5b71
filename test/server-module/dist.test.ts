/** The built subpath as users load it (needs `npm run build` first), and the browser builds without it. */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const NAMES = ['createEventStream', 'memoryLog', 'redisLog'];
// A variable, so the typecheck (which runs before the build) does not look for dist/ types.
const SPECIFIER = 'resilient-eventsource/server';
type ServerModule = typeof import('../../src/server/index');

describe('resilient-eventsource/server from dist', () => {
  it('ESM and CommonJS builds export the same functions', async () => {
    const esm = (await import(SPECIFIER)) as ServerModule;
    const cjs = require(SPECIFIER) as Record<string, unknown>;
    for (const name of NAMES) {
      expect(typeof (esm as Record<string, unknown>)[name]).toBe('function');
      expect(typeof cjs[name]).toBe('function');
    }
  });

  it('the built stream publishes and replays', async () => {
    const { createEventStream } = (await import(SPECIFIER)) as ServerModule;
    const stream = createEventStream({ heartbeat: false });
    const id = await stream.publish({ data: 'hello' });
    const abort = new AbortController();
    const response = await stream.fetch(new Request('http://localhost/events?lastEventId=0', { signal: abort.signal }));
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    while (!text.includes('data: hello')) text += new TextDecoder().decode((await reader.read()).value);
    expect(text).toContain(`id: ${id}\n`);
    await stream.close();
  });

  it('no browser build mentions the server module or a node: built-in', () => {
    const files = readdirSync('dist', { recursive: true, encoding: 'utf8' }).filter(
      (file) => /\.(m?js|cjs)$/.test(file) && !file.startsWith('server.'),
    );
    expect(files.length).toBeGreaterThan(3);
    for (const file of files) {
      const text = readFileSync(`dist/${file}`, 'utf8');
      expect(text, file).not.toMatch(/node:http|createEventStream|XREAD/);
    }
  });
});
