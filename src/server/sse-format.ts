/**
 * SSE text for each kind of message. The WebSocket bridge sends exactly these
 * strings as frames, so both transports carry byte-identical events.
 */
/** Every line break an SSE parser recognises, so data never breaks out of its field. */
const LINE_BREAK = /\r\n|\r|\n/;

/** `id:`, `event:`, one `data:` line per line of data, then the blank line. */
export function formatEvent(event: { readonly id?: string; readonly event?: string; readonly data: string }): string {
  let text = '';
  if (event.id !== undefined) text += `id: ${event.id}\n`;
  if (event.event) text += `event: ${event.event}\n`;
  for (const line of event.data.split(LINE_BREAK)) text += `data: ${line}\n`;
  return `${text}\n`;
}

export function formatRetry(ms: number): string {
  return `retry: ${Math.max(0, Math.floor(ms))}\n\n`;
}

/** A comment for parsers to skip, and an event that native EventSource can observe. */
export function formatHeartbeatComment(now: number): string {
  return `: heartbeat ${now}\n\n`;
}

export function formatHeartbeatEvent(now: number): string {
  return formatEvent({ event: 'heartbeat', data: String(now) });
}

/** Sent before the replay when the requested id cannot be resumed exactly. */
export function formatReset(requested: string, oldest: string | null): string {
  return formatEvent({ event: 'reset', data: JSON.stringify({ requested, oldest }) });
}
