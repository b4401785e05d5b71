/**
 * `POST /publish`: validated appends to the log (which fans out to every client).
 * A batch is all-or-nothing: every item is checked before the first append.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readJson, sendJson } from './http-util.js';
import type { EventLog } from './log.js';

/** What a publisher sends: data may be any JSON (non-strings are stringified). */
export interface PublishInput {
  event?: string;
  data: unknown;
  id?: number | string;
}

interface ValidEvent {
  event?: string;
  data: string;
  id?: number;
}

type Checked = { ok: true; events: ValidEvent[] } | { ok: false; error: string };

function checkOne(item: unknown, index: number, lastId: number): ValidEvent | string {
  const where = index < 0 ? 'event' : `event #${index}`;
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return `${where} must be a JSON object`;
  const input = item as Record<string, unknown>;
  if (!('data' in input) || input.data === undefined) return `${where} is missing "data"`;
  const out: ValidEvent = { data: typeof input.data === 'string' ? input.data : JSON.stringify(input.data) };
  if (input.event !== undefined) {
    if (typeof input.event !== 'string') return `${where}: "event" must be a string`;
    // A line break would let the name inject fields into the stream.
    if (/[\r\n]/.test(input.event)) return `${where}: "event" must not contain a line break`;
    if (input.event !== '') out.event = input.event;
  }
  if (input.id !== undefined) {
    const id = typeof input.id === 'string' && /^\d{1,15}$/.test(input.id) ? Number(input.id) : input.id;
    if (typeof id !== 'number' || !Number.isSafeInteger(id)) return `${where}: "id" must be an integer`;
    if (id <= lastId) return `${where}: "id" ${id} must be greater than the last id ${lastId}`;
    out.id = id;
  }
  return out;
}

/** Validates one event or a batch against the log's current last id. */
export function checkEvents(body: unknown, lastId: number): Checked {
  const batch = Array.isArray(body);
  const items: unknown[] = batch ? body : [body];
  const events: ValidEvent[] = [];
  let last = lastId;
  for (const [index, item] of items.entries()) {
    const checked = checkOne(item, batch ? index : -1, last);
    if (typeof checked === 'string') return { ok: false, error: checked };
    last = checked.id ?? last + 1;
    events.push(checked);
  }
  return { ok: true, events };
}

/** Appends one event for in-process callers (API, producers); throws on bad input. */
export function publishOne(log: EventLog, input: PublishInput): string {
  const checked = checkEvents(input, log.lastId);
  if (!checked.ok) throw new TypeError(checked.error);
  const [event] = checked.events;
  if (!event) throw new TypeError('nothing to publish');
  return log.append(event).id;
}

export async function handlePublish(req: IncomingMessage, res: ServerResponse, log: EventLog): Promise<void> {
  const parsed = await readJson(req);
  if (!parsed.ok) return sendJson(res, 400, { error: parsed.error });
  const checked = checkEvents(parsed.value, log.lastId);
  if (!checked.ok) return sendJson(res, 400, { error: checked.error });
  const ids = checked.events.map((event) => log.append(event).id);
  if (Array.isArray(parsed.value)) sendJson(res, 200, { ids });
  else sendJson(res, 200, { id: ids[0] });
}
