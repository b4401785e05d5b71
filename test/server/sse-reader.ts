/** Reads an SSE response over fetch into raw chunks, text and parsed blocks. */
import { onTestFinished } from 'vitest';
import { Waitable } from './waitable.js';

/** One SSE block, parsed the way the spec does (ids with NUL and non-digit retries ignored). */
export interface SseBlock {
  raw: string;
  id?: string;
  event?: string;
  data?: string;
  retry?: string;
  comments: string[];
}

export function parseBlock(raw: string): SseBlock {
  const block: SseBlock = { raw, comments: [] };
  const data: string[] = [];
  for (const line of raw.split(/\r\n|\r|\n/)) {
    if (line.startsWith(':')) {
      block.comments.push(line.slice(1).trimStart());
      continue;
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'data') data.push(value);
    else if (field === 'event') block.event = value;
    else if (field === 'id' && !value.includes('\0')) block.id = value;
    else if (field === 'retry' && /^\d+$/.test(value)) block.retry = value;
  }
  if (data.length > 0) block.data = data.join('\n');
  return block;
}

export class SseReader extends Waitable {
  readonly chunks: Array<{ t: number; bytes: Uint8Array }> = [];
  readonly blocks: SseBlock[] = [];
  text = '';
  private cursor = 0;
  private pending = '';
  private readonly decoder = new TextDecoder();

  constructor(
    readonly response: Response,
    private readonly abort: AbortController,
  ) {
    super();
    if (response.body) void this.pump(response.body.getReader());
    else this.ended = true;
  }

  private async pump(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        this.chunks.push({ t: Date.now(), bytes: value });
        const text = this.decoder.decode(value, { stream: true });
        this.text += text;
        this.pending += text;
        let end: number;
        while ((end = this.pending.indexOf('\n\n')) >= 0) {
          this.blocks.push(parseBlock(this.pending.slice(0, end)));
          this.pending = this.pending.slice(end + 2);
        }
        this.notify();
      }
    } catch (error) {
      this.error = error;
    } finally {
      this.ended = true;
      this.notify();
    }
  }

  /** The next block not yet consumed by next()/waitFor(). */
  async next(timeoutMs?: number): Promise<SseBlock> {
    await this.until('the next SSE block', () => this.blocks.length > this.cursor, timeoutMs);
    return this.blocks[this.cursor++] as SseBlock;
  }

  /** Skips blocks until one matches. */
  async waitFor(what: string, match: (block: SseBlock) => boolean, timeoutMs = 5000): Promise<SseBlock> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const block = await this.next(Math.max(1, deadline - Date.now())).catch((error: Error) => {
        throw new Error(`${what}: ${error.message}`);
      });
      if (match(block)) return block;
    }
  }

  /** The next `n` blocks that carry an id (log events), skipping retry, comments and heartbeats. */
  async events(n: number, timeoutMs = 5000): Promise<SseBlock[]> {
    const out: SseBlock[] = [];
    while (out.length < n)
      out.push(await this.waitFor(`event ${out.length + 1} of ${n}`, (b) => b.id !== undefined, timeoutMs));
    return out;
  }

  close(): void {
    this.abort.abort();
  }
}

/** Opens `/events` (or any URL) with fetch and starts reading the body in the background. */
export async function openSse(url: string, init: RequestInit = {}): Promise<SseReader> {
  const abort = new AbortController();
  const response = await fetch(url, { ...init, signal: abort.signal });
  const reader = new SseReader(response, abort);
  onTestFinished(() => reader.close());
  return reader;
}
