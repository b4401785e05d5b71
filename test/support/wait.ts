/**
 * The one wait helper of every suite: polls `probe` until `done` holds for what it returned, and returns
 * that value. A probe that throws (an `expect` that does not hold yet) counts as not done. By default
 * anything but `false` is done, so both `() => ready` and `() => expect(x).toBe(y)` work as probes.
 * On timeout the error names what was awaited and shows the last value or error seen.
 */
export async function until<T>(
  what: string,
  probe: () => T | Promise<T>,
  done: (value: T) => boolean = (value) => value !== false,
  timeoutMs = 15_000,
): Promise<T> {
  const start = Date.now();
  for (;;) {
    let seen: string;
    try {
      const value = await probe();
      if (done(value)) return value;
      seen = JSON.stringify(value, null, 1) ?? String(value);
    } catch (error) {
      seen = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() - start > timeoutMs) {
      const shown = seen.length > 4000 ? `${seen.slice(0, 4000)}…` : seen;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${shown}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
