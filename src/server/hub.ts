/**
 * The connections of one stream: one subscription to the log fans every event
 * out in process, and one timer beats for all of them. `createEventStream` is
 * built on it, and so is the playground's reference server (with its own sinks).
 */
import { Connection, type ConnectionOptions, type Sink } from './connection.js';
import type { EventLog } from './types.js';

export interface HubOptions {
  log: EventLog;
  /** ms; 0 turns heartbeats off. */
  heartbeat: number;
  retry: number;
  maxBufferedBytes: number;
  onError: (error: Error) => void;
}

export interface OpenOptions {
  /** 'comment': heartbeat ticks send the comment only (no `event: heartbeat`). */
  heartbeat?: 'both' | 'comment';
}

export interface Hub {
  /** Starts a connection: `retry:`, then the reset and replay after `lastEventId`, then live events. */
  open(sink: Sink, lastEventId: string | null, options?: OpenOptions): Connection | undefined;
  readonly connections: ReadonlySet<Connection>;
  /** Stops the timer and the subscription, and ends every connection (cleanly, or abruptly with 'abort'). */
  close(how?: 'end' | 'abort'): void;
}

export function createHub(options: HubOptions): Hub {
  const { log } = options;
  const connections = new Set<Connection>();
  let closed = false;

  const unsubscribe = log.subscribe({
    event: (event) => {
      for (const connection of connections) connection.live(event);
    },
    error: (error) => {
      // The log cannot deliver: clients are better off reconnecting (and resuming) later.
      options.onError(error);
      for (const connection of [...connections]) connection.end();
    },
  });
  // Shared by every connection: one object per connection would cost memory at 20,000 of them.
  const standard: ConnectionOptions = {
    retry: options.retry,
    maxBufferedBytes: options.maxBufferedBytes,
    compare: log.compare,
    heartbeatEvent: true,
    onClose: (c) => connections.delete(c),
  };
  const commentOnly: ConnectionOptions = { ...standard, heartbeatEvent: false };
  const timer =
    options.heartbeat > 0
      ? setInterval(() => {
          const now = Date.now();
          for (const connection of connections) connection.heartbeat(now);
        }, options.heartbeat)
      : undefined;

  return {
    connections,
    open(sink, lastEventId, openOptions = {}) {
      if (closed) return undefined;
      const connection = new Connection(sink, openOptions.heartbeat === 'comment' ? commentOnly : standard);
      if (connection.isClosed) return undefined;
      // Registered before the read, so nothing published meanwhile is missed; the connection drops overlaps.
      connections.add(connection);
      log.replay(lastEventId).then(
        (replay) => connection.startLive(replay, lastEventId),
        (error: unknown) => {
          options.onError(error instanceof Error ? error : new Error(String(error)));
          connection.end();
        },
      );
      return connection;
    },
    close(how = 'end') {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      unsubscribe();
      for (const connection of [...connections]) connection[how]();
    },
  };
}
