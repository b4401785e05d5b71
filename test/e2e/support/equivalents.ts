/**
 * How a test says that, in this engine, it ran an equivalent of the case instead of the case as
 * written (and why). The engine table reporter (engine-table-reporter.ts) prints it per engine.
 */
import { TestRunner } from 'vitest';
import { currentEngine } from './engines/types';

declare module 'vitest' {
  interface TaskMeta {
    /** Why this test ran an equivalent in this engine (one entry per substitution). */
    equivalent?: string[];
    /** The engine the test ran in. */
    engine?: string;
  }
}

export function ranAsEquivalent(why: string): void {
  const test = TestRunner.getCurrentTest();
  if (!test) throw new Error('ranAsEquivalent() outside a test');
  test.meta.engine = currentEngine();
  const list = (test.meta.equivalent ??= []);
  if (!list.includes(why)) list.push(why);
}
