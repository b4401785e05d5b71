import mitt, { type EventHandlerMap } from 'mitt';

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
 * Calls every listener with `value`, each in its own try/catch, so one that throws stops neither the
 * others nor us. Pass a copy when a listener may add or remove listeners. `live` is checked before
 * each call: false once a listener made the rest moot (close(), a newer state).
 */
export function callEach<T>(
  listeners: Iterable<(value: T) => void>,
  value: T,
  onThrow: (error: unknown, value: T) => void,
  live: (value: T) => boolean = () => true,
): void {
  for (const listener of listeners) {
    if (!live(value)) return;
    try {
      listener(value);
    } catch (error) {
      onThrow(error, value);
    }
  }
}

/** Server event listeners by event name. */
export interface ServerEventListeners {
  /** Adds `handler` for `type` (once: adding it again does nothing); returns its removal. */
  on(type: string, handler: Handler): () => void;
  off(type: string, handler: Handler): void;
  /** Whether `type` has a listener. */
  has(type: string): boolean;
  /** The names that have listeners. */
  types(): IterableIterator<string>;
  /** Removes every listener; a dispatch under way calls none of the rest. */
  clear(): void;
  /** Calls the listeners of `event.type`, each isolated. */
  emit(event: ServerEvent): void;
}

/**
 * Server event listeners, kept by mitt in a map that holds only names with listeners. Events are
 * dispatched here rather than by mitt's emit, so that `'*'` is an ordinary name (mitt's wildcard)
 * and a throwing handler is isolated.
 */
export function createEmitter(onThrow: (error: unknown, type: string) => void): ServerEventListeners {
  const handlers = new Map<string, Handler[]>();
  const bus = mitt<Record<string, ServerEvent>>(handlers as EventHandlerMap<Record<string, ServerEvent>>);
  const failed = (error: unknown, event: ServerEvent): void => onThrow(error, event.type);
  // clear() (from close()) empties the map: the listeners after the one that called it hear nothing.
  const alive = (event: ServerEvent): boolean => handlers.has(event.type);
  const off = (type: string, handler: Handler): void => {
    // mitt's off() without a handler removes them all; ours removes nothing.
    if (handler) bus.off(type, handler);
    if (!handlers.get(type)?.length) handlers.delete(type);
  };
  return {
    on(type, handler) {
      if (!handlers.get(type)?.includes(handler)) bus.on(type, handler);
      return () => off(type, handler);
    },
    off,
    has: (type) => handlers.has(type),
    types: () => handlers.keys(),
    clear: () => handlers.clear(),
    emit(event) {
      const list = handlers.get(event.type);
      // One listener, the common case, needs no copy: this runs once per event.
      if (list) callEach(list.length > 1 ? [...list] : list, event, failed, alive);
    },
  };
}
