import type { ServerEvent } from './emitter';

/** Where an event's last event id is read: a native `MessageEvent`, or the id itself. */
type IdSource = { readonly lastEventId: string } | string;

/**
 * A server event as listeners get it. `lastEventId` is a getter, as on `MessageEvent`: on native
 * EventSource, reading `MessageEvent.lastEventId` costs more per event than all the rest of our work,
 * so it is read only when a listener asks. Like a `MessageEvent`'s, it is therefore not an own
 * property: `{ ...event }` copies `type`, `data` and `raw`, while JSON.stringify includes all four.
 * A class, because an object literal with a getter allocates its accessor for every event.
 */
export class ReceivedEvent<Data = unknown> implements ServerEvent<Data> {
  readonly type: string;
  readonly data: Data;
  readonly raw: string;
  readonly #id: IdSource;

  constructor(type: string, data: Data, raw: string, id: IdSource) {
    this.type = type;
    this.data = data;
    this.raw = raw;
    this.#id = id;
  }

  get lastEventId(): string {
    const id = this.#id;
    return typeof id === 'string' ? id : id.lastEventId;
  }

  toJSON(): ServerEvent<Data> {
    return { ...this, lastEventId: this.lastEventId };
  }
}
