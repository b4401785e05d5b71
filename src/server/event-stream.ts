/**
 * `createEventStream`: one log, many connections. One subscription to the log
 * fans every event out in process; a single timer beats for all connections.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Connection, type Sink } from './connection.js';
import { handleFetch } from './fetch-handler.js';
import { memoryLog } from './memory-log.js';
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

  const connections = new Set<Connection>();
  let closed = false;

  const unsubscribe = log.subscribe({
    event: (event) => {
      for (const connection of connections) connection.live(event);
    },
    error: (error) => {
      // The log cannot deliver: clients are better off reconnecting (and resuming) later.
      reportError(error);
      for (const connection of [...connections]) connection.end();
    },
  });
  const heartbeatTimer =
    heartbeat > 0
      ? setInterval(() => {
          const now = Date.now();
          for (const connection of connections) connection.heartbeat(now);
        }, heartbeat)
      : undefined;
  heartbeatTimer?.unref?.();

  function open(sink: Sink, lastEventId: string | null): Connection | undefined {
    if (closed) return undefined;
    const connection = new Connection(sink, {
      retry,
      maxBufferedBytes,
      compare: log.compare,
      onClose: (c) => connections.delete(c),
    });
    if (connection.isClosed) return undefined;
    // Registered before the read, so nothing published meanwhile is missed; the connection drops overlaps.
    connections.add(connection);
    log.replay(lastEventId).then(
      (replay) => connection.startLive(replay),
      (error: unknown) => {
        reportError(error instanceof Error ? error : new Error(String(error)));
        connection.end();
      },
    );
    return connection;
  }

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
      return connections.size;
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      clearInterval(heartbeatTimer);
      unsubscribe();
      for (const detach of [...detachers]) detach();
      for (const connection of [...connections]) connection.end();
      await log.close();
    },
  };
}
