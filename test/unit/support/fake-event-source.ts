/**
 * A stand-in for EventSource that tests drive by hand: `accept()`, `send()`, `error()`.
 * It behaves like the DOM's: named-event listeners, and `onopen`/`onerror` handlers that also
 * see server events of those names.
 */
export class FakeEventSource {
  static instances: FakeEventSource[] = [];
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;

  readyState = 0;
  onopen: ((event: Event) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  onmessage: ((event: Event) => void) | null = null;
  readonly listeners = new Map<string, Set<(event: Event) => void>>();

  constructor(
    readonly url: string,
    readonly init?: Record<string, unknown>,
  ) {
    FakeEventSource.instances.push(this);
  }

  static reset(): void {
    FakeEventSource.instances = [];
  }

  static get last(): FakeEventSource {
    const last = FakeEventSource.instances.at(-1);
    if (!last) throw new Error('no FakeEventSource was created');
    return last;
  }

  /** Instances not closed: must never exceed one. */
  static get live(): FakeEventSource[] {
    return FakeEventSource.instances.filter((source) => source.readyState !== 2);
  }

  addEventListener(type: string, listener: (event: Event) => void): void {
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    set.add(listener);
  }

  removeEventListener(type: string, listener: (event: Event) => void): void {
    this.listeners.get(type)?.delete(listener);
  }

  listenerCount(): number {
    let count = 0;
    for (const set of this.listeners.values()) count += set.size;
    return count + (this.onopen ? 1 : 0) + (this.onerror ? 1 : 0);
  }

  close(): void {
    this.readyState = 2;
  }

  accept(): void {
    this.readyState = 1;
    this.dispatch(new Event('open'));
  }

  /** A server event; `lastEventId` is what EventSource reports: the id so far on this connection. */
  send(type: string, data: string, lastEventId = ''): void {
    this.dispatch(new MessageEvent(type, { data, lastEventId }));
  }

  /** A connection error; `status` mimics event-source-polyfill, which reports one. */
  error(status?: number): void {
    this.readyState = 0;
    const event = new Event('error');
    if (status !== undefined) Object.assign(event, { status });
    this.dispatch(event);
  }

  private dispatch(event: Event): void {
    if (this.readyState === 2) return;
    const handler = event.type === 'open' ? this.onopen : event.type === 'error' ? this.onerror : null;
    handler?.call(this, event);
    for (const listener of [...(this.listeners.get(event.type) ?? [])]) listener.call(this, event);
  }
}
