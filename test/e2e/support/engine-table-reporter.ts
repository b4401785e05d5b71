/**
 * Prints, at the end of a run, one table per engine and transport: how many tests ran as written,
 * how many ran an equivalent (and why, from ranAsEquivalent), how many failed, and which test files
 * that engine's project does not include. Only the e2e-<engine> projects are counted.
 */
import { readFileSync, rmSync } from 'node:fs';
import type { Reporter, TestModule } from 'vitest/node';
import { ENGINE_VERSIONS_FILE } from './engine-versions';

const TRANSPORTS = ['native', 'polyfill', 'fetch', 'websocket'] as const;
type Column = (typeof TRANSPORTS)[number] | 'other';

interface Cell {
  ran: number;
  equivalent: number;
  failed: number;
  skipped: number;
}

/** The transport a test is about: the first transport named in its full name, else 'other'. */
function transportOf(fullName: string): Column {
  const match = /\b(native|polyfill|fetch|websocket)\b/i.exec(fullName);
  return match ? (match[1]!.toLowerCase() as Column) : 'other';
}

export default class EngineTableReporter implements Reporter {
  onTestRunStart(): void {
    rmSync(ENGINE_VERSIONS_FILE, { force: true });
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const byEngine = new Map<string, { cells: Map<Column, Cell>; why: Map<string, number>; files: Set<string> }>();
    for (const module of testModules) {
      const project = module.project.name;
      if (!project.startsWith('e2e-')) continue;
      const engine = project.slice('e2e-'.length);
      const entry = byEngine.get(engine) ?? { cells: new Map(), why: new Map(), files: new Set() };
      byEngine.set(engine, entry);
      entry.files.add(module.moduleId.replace(/^.*\/test\/e2e\//, ''));
      for (const test of module.children.allTests()) {
        const column = transportOf(test.fullName);
        const cell = entry.cells.get(column) ?? { ran: 0, equivalent: 0, failed: 0, skipped: 0 };
        entry.cells.set(column, cell);
        const state = test.result().state;
        const equivalent = test.meta().equivalent ?? [];
        if (state === 'failed') cell.failed++;
        else if (state === 'skipped' || state === 'pending') cell.skipped++;
        else if (equivalent.length > 0) cell.equivalent++;
        else cell.ran++;
        for (const why of equivalent) entry.why.set(why, (entry.why.get(why) ?? 0) + 1);
      }
    }
    if (byEngine.size === 0) return;
    const versions = readVersions();
    const lines: string[] = [''];
    const order = ['chromium', 'firefox', 'webkit'];
    const engines = [...byEngine].sort(([a], [b]) => order.indexOf(a) - order.indexOf(b));
    for (const [engine, { cells, why, files }] of engines) {
      lines.push(`e2e in ${versions[engine] ?? engine} (${[...files].sort().join(', ')})`);
      lines.push(
        `  ${'transport'.padEnd(10)} ${'ran'.padStart(5)} ${'as equivalent'.padStart(14)} ${'failed'.padStart(7)}`,
      );
      for (const column of [...TRANSPORTS, 'other'] as const) {
        const c = cells.get(column);
        if (!c) continue;
        const skipped = c.skipped > 0 ? `  (${c.skipped} not run: filtered or skipped)` : '';
        lines.push(
          `  ${column.padEnd(10)} ${String(c.ran).padStart(5)} ${String(c.equivalent).padStart(14)} ${String(c.failed).padStart(7)}${skipped}`,
        );
      }
      for (const [reason, count] of why) lines.push(`  as equivalent (${count}): ${reason}`);
    }
    console.log(lines.join('\n'));
  }
}

function readVersions(): Record<string, string> {
  try {
    return JSON.parse(readFileSync(ENGINE_VERSIONS_FILE, 'utf8')) as Record<string, string>;
  } catch {
    return {};
  }
}
