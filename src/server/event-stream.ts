/** `createEventStream`: the hub of connections behind three entry points (Node http, fetch, WebSocket). */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Sink } from './connection.js';
import { handleFetch } from './fetch-handler.js';
import { memoryLog } from './memory-log.js';
import { createHub } from './hub.js';
import { handleNode } from './node-handler.js';
import { checkPublishInput } from './validate.js';
import { attachBridge } from './websocket-bridge.js';
import type { AttachWebSocketOptions, EventStream, EventStreamOptions, PublishInput } from './types.js';

function checkMs(name: string, value: number, allowZero: boolean): number {
  if (!Number.isFinite(value) || value < (allowZero ? 0 : 1) || value > 2_147_483_647)
    throw new RangeError(
      `createEventStream: ${name} must be a number of ms ${allowZero ? '≥ 0' : '> 0'}, got ${value}`,
    );
  return value;
}

export function createEventStream(options: EventStreamOptions = {}): EventStream {
  const log = options.log ?? memoryLog();
  const heartbeat = checkMs('heartbeat', options.heartbeat === false ? 0 : (options.heartbeat ?? 15_000), true);
  const retry = checkMs('retry', options.retry ?? 2_000, true);
  const maxBufferedBytes = options.maxBufferedBytes ?? 1024 * 1024;
  if (!Number.isSafeInteger(maxBufferedBytes) || maxBufferedBytes < 1)
    throw new RangeError(`createEventStream: maxBufferedBytes must be a positive integer, got ${maxBufferedBytes}`);
  const reportError = (error: Error): void => {
    try {
      options.onError?.(error);
    } catch {
      // A failing error hook must not undo the stream.
    }
  };
  const settings = { ...options, maxBufferedBytes, onError: reportError };

  const hub = createHub({ log, heartbeat, retry, maxBufferedBytes, onError: reportError });
  let closed = false;
  const open = (sink: Sink, lastEventId: string | null) => hub.open(sink, lastEventId);

  const detachers = new Set<() => void>();

  return {
    async publish(input: PublishInput): Promise<string> {
      if (closed) throw new Error('publish() after close()');
      const event = checkPublishInput(input);
      return (await log.append(event)).id;
    },
    handle(req: IncomingMessage, res: ServerResponse): void {
      handleNode(req, res, settings, open).catch((error: unknown) => {
        reportError(error instanceof Error ? error : new Error(String(error)));
        res.destroy();
      });
    },
    fetch: (request: Request) => handleFetch(request, settings, open),
    attachWebSocket(server: Server, wsOptions: AttachWebSocketOptions = {}): () => void {
      const detach = attachBridge(server, wsOptions, settings, open, reportError);
      const once = (): void => {
        detachers.delete(once);
        detach();
      };
      detachers.add(once);
      return once;
    },
    get connectionCount() {
      return hub.connections.size;
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      for (const detach of [...detachers]) detach();
      hub.close('end');
      await log.close();
    },
  };
}
