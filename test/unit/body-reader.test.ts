import { describe, expect, it } from 'vitest';
import { readBody } from '../../src/transports/body-reader';

const pieces = ['data: ', 'é'.repeat(70_000), '\n\n', 'data: two\n\n'].map((text) => new TextEncoder().encode(text));
const expected = new TextDecoder().decode(Buffer.concat(pieces));

/** The room each pull of the byte stream was offered by a pending BYOB read (0: none pending). */
const offered: number[] = [];

/** A byte stream, as fetch bodies are in browsers: each pull enqueues one piece. */
function byteStream(): ReadableStream<Uint8Array> {
  let next = 0;
  offered.length = 0;
  return new ReadableStream({
    type: 'bytes',
    pull(controller) {
      offered.push(controller.byobRequest?.view?.byteLength ?? 0);
      const piece = pieces[next++];
      if (piece) return controller.enqueue(piece.slice());
      controller.close();
      // [streams] a pending BYOB read ends only when its request is answered with 0 bytes.
      controller.byobRequest?.respond(0);
    },
  });
}

/** A stream of another kind (a test stub, a fetch polyfill): only the default reader can read it. */
function defaultStream(): ReadableStream<Uint8Array> {
  let next = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const piece = pieces[next++];
      if (piece) controller.enqueue(piece.slice());
      else controller.close();
    },
  });
}

/** Decodes each read before the next, as the fetch transport does. */
async function readAll(body: ReadableStream<Uint8Array>): Promise<{ text: string; reads: number }> {
  const reader = readBody(body);
  const decoder = new TextDecoder();
  let text = '';
  let reads = 0;
  for (let bytes = await reader.read(); bytes; bytes = await reader.read()) {
    reads++;
    text += decoder.decode(bytes, { stream: true });
  }
  return { text: text + decoder.decode(), reads };
}

describe('readBody', () => {
  it('reads a byte stream into its reused buffer: every byte once, in order', async () => {
    const { text, reads } = await readAll(byteStream());
    expect(text).toBe(expected);
    // One read per piece: each pull answers the pending read with what it enqueues.
    expect(reads).toBe(pieces.length);
    // Every read offered the whole 256 KiB buffer: the one buffer, moved back for each read.
    expect(offered).toEqual(Array(pieces.length + 1).fill(256 * 1024));
  });

  it('reads any other stream with the default reader', async () => {
    const { text, reads } = await readAll(defaultStream());
    expect(text).toBe(expected);
    expect(reads).toBe(pieces.length);
  });

  it('cancel() cancels the body', async () => {
    let cancelled: unknown;
    const body = new ReadableStream<Uint8Array>({
      type: 'bytes',
      cancel(reason) {
        cancelled = reason ?? 'cancelled';
      },
    });
    await readBody(body).cancel();
    expect(cancelled).toBe('cancelled');
  });
});
