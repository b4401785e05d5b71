/** Something that collects items in the background and lets a test wait for them. */
export class Waitable {
  ended = false;
  error: unknown;
  private readonly waiters = new Set<() => void>();

  protected notify(): void {
    for (const wake of [...this.waiters]) wake();
  }

  /** Sleeps until the next notification or `ms`, whichever is first. */
  private nap(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
    });
  }

  /** Resolves once `ready()` holds; rejects on timeout, or if the source ended first. */
  async until(what: string, ready: () => boolean, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!ready()) {
      if (this.ended) throw new Error(`stream ended while waiting for ${what} (${String(this.error ?? 'clean end')})`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await this.nap(left);
    }
  }

  /** Resolves when the source has ended (cleanly or not). */
  whenEnded(timeoutMs = 5000): Promise<void> {
    return this.until('the end of the stream', () => this.ended, timeoutMs);
  }
}
