/** Publish input checked before anything is written, so bad input loses nothing and corrupts no stream. */
import type { NewEvent, PublishInput } from './types.js';

/** CR, LF or NUL would end the field early (or, for NUL in an id, make parsers drop it). */
const FIELD_BREAKER = /[\r\n\0]/;

export function checkPublishInput(input: PublishInput): NewEvent {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new TypeError('publish() takes an object: { event?, data }');
  if ('id' in input && (input as { id?: unknown }).id !== undefined)
    throw new TypeError('publish(): "id" is assigned by the log; leave it out');
  if (!('data' in input) || input.data === undefined) throw new TypeError('publish(): "data" is missing');
  const data = serialise(input.data);
  const event = input.event;
  if (event === undefined || event === '') return { data };
  if (typeof event !== 'string') throw new TypeError('publish(): "event" must be a string');
  if (FIELD_BREAKER.test(event)) throw new TypeError('publish(): "event" must not contain CR, LF or NUL');
  return { event, data };
}

/** Checks an id a log produced (Redis ids come from outside this process). */
export function checkId(id: string): string {
  if (id === '' || FIELD_BREAKER.test(id)) throw new TypeError(`invalid event id ${JSON.stringify(id)}`);
  return id;
}

function serialise(data: unknown): string {
  if (typeof data === 'string') return data;
  let text: string | undefined;
  try {
    text = JSON.stringify(data);
  } catch (error) {
    throw new TypeError(`publish(): "data" cannot be serialised as JSON (${(error as Error).message})`);
  }
  // JSON.stringify answers undefined for functions, symbols and undefined itself.
  if (text === undefined) throw new TypeError(`publish(): "data" of type ${typeof data} cannot be serialised as JSON`);
  return text;
}
