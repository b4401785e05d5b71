/** SSE as a Web-standard Response, for runtimes and frameworks built on Request/Response. */
import type { Sink } from './connection.js';
import { type OpenConnection, SSE_HEADERS } from './node-handler.js';
import { checkAccess, requestedLastEventId } from './request.js';
import type { EventStreamOptions } from './types.js';

export async function handleFetch(
  request: Request,
  options: EventStreamOptions & { maxBufferedBytes: number },
  open: OpenConnection,
): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'POST')
    return new Response('use GET (or POST) for an event stream\n', { status: 405, headers: { Allow: 'GET, POST' } });
  const url = new URL(request.url);
  const refused = await checkAccess(options, { url, headers: request.headers });
  if (refused !== undefined) return new Response(null, { status: refused });

  const encoder = new TextEncoder();
  let connection: { dispose(): void } | undefined;
  const highWaterMark = options.maxBufferedBytes;
  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        let done = false;
        const sink: Sink = {
          write: (text) => {
            if (!done) controller.enqueue(encoder.encode(text));
          },
          // The queue's fill level is what the reader has not taken yet.
          buffered: () => highWaterMark - (controller.desiredSize ?? 0),
          end: () => {
            if (done) return;
            done = true;
            controller.close();
          },
          abort: () => {
            if (done) return;
            done = true;
            controller.error(new Error('the client fell too far behind'));
          },
          joinsReplay: true,
        };
        connection = open(sink, requestedLastEventId(request.headers, url));
        if (!connection) sink.end();
      },
      cancel() {
        connection?.dispose();
      },
    },
    { highWaterMark, size: (chunk) => chunk.byteLength },
  );
  request.signal?.addEventListener('abort', () => connection?.dispose(), { once: true });
  return new Response(body, { status: 200, headers: SSE_HEADERS });
}
