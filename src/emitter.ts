import mitt, { type Emitter } from 'mitt';

/** A server event as listeners receive it. */
export interface ServerEvent<Data = unknown, Type extends string = string> {
  /** The event name (`'message'` for an unnamed event). */
  type: Type;
  /** The data, parsed by the `parse` option. */
  data: Data;
  /** The data exactly as received. */
  raw: string;
  /** The last event id after this event (the spec's `MessageEvent.lastEventId`). */
  lastEventId: string;
}

type Handler = (event: ServerEvent) => void;

/**
 * mitt, keyed so that any server event name is an ordinary name: mitt treats `'*'` as a
 * wildcard, so every key gets a prefix. Each handler runs in its own try/catch, so one
 * that throws neither stops the others nor unwinds through the connection's state.
 */
export class ServerEventEmitter {
  readonly #bus: Emitter<Record<string, ServerEvent>> = mitt();
  /** user handler → the guarded wrapper registered with mitt, per event name */
  readonly #guarded = new Map<string, Map<Handler, Handler>>();

  readonly #onThrow: (error: unknown, type: string) => void;

  constructor(onThrow: (error: unknown, type: string) => void) {
    this.#onThrow = onThrow;
  }

  /** Adds `handler` for `type` (once: adding it again does nothing); returns its removal. */
  on(type: string, handler: Handler): () => void {
    let byHandler = this.#guarded.get(type);
    if (!byHandler) this.#guarded.set(type, (byHandler = new Map()));
    if (!byHandler.has(handler)) {
      const wrapper: Handler = (event) => {
        try {
          handler(event);
        } catch (error) {
          this.#onThrow(error, type);
        }
      };
      byHandler.set(handler, wrapper);
      this.#bus.on(key(type), wrapper);
    }
    return () => this.off(type, handler);
  }

  off(type: string, handler: Handler): void {
    const byHandler = this.#guarded.get(type);
    const wrapper = byHandler?.get(handler);
    if (!byHandler || !wrapper) return;
    this.#bus.off(key(type), wrapper);
    byHandler.delete(handler);
    if (byHandler.size === 0) this.#guarded.delete(type);
  }

  has(type: string): boolean {
    return this.#guarded.has(type);
  }

  types(): IterableIterator<string> {
    return this.#guarded.keys();
  }

  emit(event: ServerEvent): void {
    this.#bus.emit(key(event.type), event);
  }

  clear(): void {
    this.#bus.all.clear();
    this.#guarded.clear();
  }
}

const key = (type: string): string => '>' + type;
