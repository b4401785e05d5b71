/** An EventSource stand-in that only counts: enough to see whether anything was opened. */
export class CountingEventSource {
  static created = 0;
  static closed = 0;
  readonly readyState = 0;
  onopen: ((e: Event) => void) | null = null;
  onerror: ((e: Event) => void) | null = null;
  onmessage: ((e: MessageEvent) => void) | null = null;
  constructor(readonly url: string) {
    CountingEventSource.created++;
  }
  addEventListener(): void {}
  removeEventListener(): void {}
  close(): void {
    CountingEventSource.closed++;
  }
}

export const countingEventSource = CountingEventSource as unknown as typeof EventSource;
