import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// The built adapters as users load them (after `npm run build`): both module formats resolve
// through the exports map, and neither carries a copy of the core.
const require = createRequire(import.meta.url);
const HOOKS = ['RELEASE_GRACE_MS', 'useConnectionState', 'useEventSource', 'useServerEvent'];

describe.each(['react', 'vue'])('resilient-eventsource/%s', (framework) => {
  // A variable, so the typecheck (which runs before the build) does not look for dist/ types.
  const specifier = `resilient-eventsource/${framework}`;

  it('ESM and CJS export the hooks', async () => {
    const esm = (await import(specifier)) as Record<string, unknown>;
    const cjs = require(specifier) as Record<string, unknown>;
    expect(Object.keys(esm).sort()).toEqual(HOOKS);
    expect(Object.keys(cjs).sort()).toEqual(HOOKS);
    expect(typeof esm.useEventSource).toBe('function');
  });

  it('imports the core beside it rather than bundling it', () => {
    const esm = readFileSync(`dist/${framework}.mjs`, 'utf8');
    const cjs = readFileSync(`dist/${framework}.cjs`, 'utf8');
    expect(esm).toContain("from './index.mjs'");
    expect(cjs).toContain("require('./index.cjs')");
    for (const code of [esm, cjs]) expect(code).not.toMatch(/class ResilientEventSource\b/);
  });
});
