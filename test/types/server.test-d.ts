import type { Redis } from 'ioredis';
import { describe, expectTypeOf, it } from 'vitest';
import {
  createEventStream,
  type EventStream,
  memoryLog,
  type RedisLogOptions,
  redisLog,
  type StoredEvent,
} from '../../src/server/index.js';

describe('resilient-eventsource/server types', () => {
  it('an ioredis client fits redisLog', () => {
    expectTypeOf<Redis>().toExtend<RedisLogOptions['client']>();
    expectTypeOf(redisLog).parameter(0).toHaveProperty('client');
  });

  it('publish takes { event?, data } and resolves to the id', () => {
    const stream = createEventStream({ log: memoryLog({ capacity: 10 }) });
    expectTypeOf(stream).toEqualTypeOf<EventStream>();
    expectTypeOf(stream.publish).returns.toEqualTypeOf<Promise<string>>();
    // @ts-expect-error: ids are assigned by the log
    void stream.publish({ data: 1, id: '3' });
    // @ts-expect-error: data is required
    void stream.publish({ event: 'x' });
  });

  it('authorize may answer a refusal status, and nothing else', () => {
    createEventStream({ authorize: () => 204 });
    createEventStream({ authorize: async () => true });
    // @ts-expect-error: 500 is not a refusal the client understands
    createEventStream({ authorize: () => 500 });
    expectTypeOf<StoredEvent['id']>().toEqualTypeOf<string>();
  });
});
