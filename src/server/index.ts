export { createEventStream } from './event-stream.js';
export { memoryLog } from './memory-log.js';
export { redisLog } from './redis-log.js';
export type { MemoryLogOptions } from './memory-log.js';
export type { RedisLogOptions, RedisStreamClient } from './redis-log.js';
export type {
  AttachWebSocketOptions,
  ConnectionRequest,
  EventLog,
  EventStream,
  EventStreamOptions,
  LogSubscriber,
  NewEvent,
  PublishInput,
  RefusalStatus,
  Replay,
  StoredEvent,
} from './types.js';
