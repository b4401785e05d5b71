import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where test workers leave the engine versions they launched, for the engine table at the end. */
export const ENGINE_VERSIONS_FILE = fileURLToPath(new URL('../../../test-results/e2e-engines.json', import.meta.url));

export function noteEngineVersion(engine: string, version: string): void {
  let known: Record<string, string> = {};
  try {
    known = JSON.parse(readFileSync(ENGINE_VERSIONS_FILE, 'utf8')) as Record<string, string>;
  } catch {
    // first note of this run
  }
  if (known[engine] === version) return;
  mkdirSync(dirname(ENGINE_VERSIONS_FILE), { recursive: true });
  writeFileSync(ENGINE_VERSIONS_FILE, JSON.stringify({ ...known, [engine]: version }, null, 1));
}
