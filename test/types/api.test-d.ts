import { describe, expectTypeOf, it } from 'vitest';
import {
  ResilientEventSource,
  type ResilientEventSourceError,
  type ConnectionState,
  type ServerEvent,
  type StateChange,
  type TransportName,
} from '../../src';

type Events = { price: { sym: string; px: number }; message: string };
declare const es: ResilientEventSource<Events>;

describe('typed listeners', () => {
  it('types data per event name', () => {
    es.on('price', (e) => {
      expectTypeOf(e.data).toEqualTypeOf<{ sym: string; px: number }>();
      expectTypeOf(e.type).toEqualTypeOf<'price'>();
      expectTypeOf(e.raw).toEqualTypeOf<string>();
      expectTypeOf(e.lastEventId).toEqualTypeOf<string>();
    });
    es.on('message', (e) => expectTypeOf(e.data).toEqualTypeOf<string>());
  });

  it('rejects a wrong event name', () => {
    // @ts-expect-error 'prices' is not an event of Events
    es.on('prices', () => {});
    // @ts-expect-error 'nope' is not an event of Events
    es.off('nope', () => {});
  });

  it('rejects a handler for the wrong payload', () => {
    // @ts-expect-error price data is an object, not a string
    es.on('price', (e: ServerEvent<string>) => e);
    es.on('price', (e) => {
      // @ts-expect-error no such field on the price payload
      e.data.volume;
    });
  });

  it('on() returns its removal', () => {
    expectTypeOf(es.on('price', () => {})).toEqualTypeOf<() => void>();
    expectTypeOf(es.onStateChange(() => {})).toEqualTypeOf<() => void>();
    expectTypeOf(es.onError(() => {})).toEqualTypeOf<() => void>();
  });

  it('accepts interfaces as event maps, and defaults to any name with unknown data', () => {
    interface Chat {
      joined: { user: string };
    }
    const chat = new ResilientEventSource<Chat>('/chat');
    chat.on('joined', (e) => expectTypeOf(e.data.user).toEqualTypeOf<string>());
    const loose = new ResilientEventSource('/x');
    loose.on('anything', (e) => expectTypeOf(e.data).toEqualTypeOf<unknown>());
  });
});

describe('lifecycle and errors', () => {
  it('types state changes and errors', () => {
    es.onStateChange((c) => {
      expectTypeOf(c).toEqualTypeOf<StateChange>();
      expectTypeOf(c.state).toEqualTypeOf<ConnectionState>();
      expectTypeOf(c.delay).toEqualTypeOf<number | null>();
      expectTypeOf(c.transport).toEqualTypeOf<TransportName | null>();
    });
    es.onError((err) => {
      expectTypeOf(err).toEqualTypeOf<ResilientEventSourceError>();
      expectTypeOf(err.status).toEqualTypeOf<number | undefined>();
      expectTypeOf(err.type).toEqualTypeOf<
        | 'network'
        | 'http'
        | 'heartbeat-timeout'
        | 'websocket'
        | 'parse'
        | 'listener'
        | 'max-attempts'
        | 'config'
        | 'storage'
        | 'gap'
      >();
    });
    expectTypeOf(es.readyState).toEqualTypeOf<0 | 1 | 2>();
    expectTypeOf(es.state).toEqualTypeOf<ConnectionState>();
    expectTypeOf(es.transport).toEqualTypeOf<TransportName | null>();
  });

  it('rejects bad options at compile time', () => {
    // @ts-expect-error unknown transport
    new ResilientEventSource('/x', { transport: 'sse' });
    // @ts-expect-error heartbeatTimeout is a number
    new ResilientEventSource('/x', { heartbeatTimeout: '5s' });
    // @ts-expect-error parse must be json, text or a function
    new ResilientEventSource('/x', { parse: 'xml' });
    new ResilientEventSource(async () => '/x', { headers: async () => ({ Authorization: 'Bearer t' }) });
  });
});
