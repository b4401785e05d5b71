/**
 * Reads a response body chunk by chunk. Where the body is a byte stream (fetch bodies in browsers), it reads
 * into one reused buffer of its own: the default reader hands each chunk over in a new buffer, as large as what has
 * arrived (over 1 MB on a fast stream), and on 64 KB events reading and decoding those cost more than everything
 * else the fetch transport does. Measured in the README's Benchmarks section.
 * A body made of another kind of stream (a test stub, some fetch polyfills) is read with the default reader.
 */

/** Several 64 KB events per read, and still a small string for the decoder and the parser; one per connection. */
const BUFFER_BYTES = 256 * 1024;

export interface BodyReader {
  /** The next bytes, or undefined at the end of the body. Valid until the next read(): the buffer is reused. */
  read(): Promise<Uint8Array | undefined>;
  cancel(): Promise<void>;
}

export function readBody(body: ReadableStream<Uint8Array>): BodyReader {
  let byteReader: ReadableStreamBYOBReader | undefined;
  try {
    byteReader = body.getReader({ mode: 'byob' });
  } catch {
    // Not a byte stream: TypeError, and the stream stays unlocked.
  }
  if (!byteReader) {
    const reader = body.getReader();
    return {
      read: () => reader.read().then(({ done, value }) => (done ? undefined : value)),
      cancel: () => reader.cancel(),
    };
  }
  const reader = byteReader;
  let buffer = new Uint8Array(BUFFER_BYTES);
  return {
    async read() {
      const { done, value } = await reader.read(buffer);
      if (done || !value) return undefined;
      // The read moved the buffer into `value`; the caller copies the bytes out (decodes them) before it reads again.
      buffer = new Uint8Array(value.buffer);
      return value;
    },
    cancel: () => reader.cancel(),
  };
}
