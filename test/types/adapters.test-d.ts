// biome-ignore-all lint/correctness/useHookAtTopLevel: hooks called for their types only, never run
import { describe, expectTypeOf, it } from 'vitest';
import type { Ref, ShallowRef } from 'vue';
import type { ConnectionState, ResilientEventSource, ResilientEventSourceError, ServerEvent } from '../../src';
import * as react from '../../src/react';
import * as vue from '../../src/vue';

type Events = { price: { sym: string; px: number }; message: string };

describe('React adapter types', () => {
  it('types the source by its events', () => {
    const es = react.useEventSource<Events>('/events', { heartbeatTimeout: 1000 });
    expectTypeOf(es).toEqualTypeOf<ResilientEventSource<Events> | null>();
  });

  it('types useServerEvent by event name, and rejects a wrong name or payload', () => {
    const es = react.useEventSource<Events>('/events');
    react.useServerEvent(es, 'price', (e) => {
      expectTypeOf(e).toEqualTypeOf<ServerEvent<{ sym: string; px: number }, 'price'>>();
    });
    expectTypeOf(react.useServerEvent(es, 'price')).toEqualTypeOf<{ sym: string; px: number } | undefined>();
    expectTypeOf(react.useServerEvent(es, 'message')).toEqualTypeOf<string | undefined>();
    // @ts-expect-error 'prices' is not an event of Events
    react.useServerEvent(es, 'prices', () => {});
    // @ts-expect-error 'prices' is not an event of Events
    react.useServerEvent(es, 'prices');
    // @ts-expect-error price data is an object, not a string
    react.useServerEvent(es, 'price', (e: ServerEvent<string>) => e);
    react.useServerEvent(es, 'price', (e) => {
      // @ts-expect-error no such field on the price payload
      e.data.volume;
    });
  });

  it('types the connection state', () => {
    const status = react.useConnectionState(react.useEventSource<Events>('/events'));
    expectTypeOf(status.state).toEqualTypeOf<ConnectionState>();
    expectTypeOf(status.attempt).toEqualTypeOf<number>();
    expectTypeOf(status.delay).toEqualTypeOf<number | null>();
    expectTypeOf(status.error).toEqualTypeOf<ResilientEventSourceError | null>();
  });

  it('rejects options that are not options', () => {
    // @ts-expect-error no such option
    react.useEventSource('/events', { heartbeat: 1 });
  });
});

describe('Vue adapter types', () => {
  it('returns refs, typed by event name, and rejects a wrong name or payload', () => {
    const es = vue.useEventSource<Events>(() => '/events', { heartbeatTimeout: 1000 });
    expectTypeOf(es).toEqualTypeOf<ShallowRef<ResilientEventSource<Events> | null>>();
    expectTypeOf(vue.useServerEvent(es, 'price')).toEqualTypeOf<ShallowRef<{ sym: string; px: number } | undefined>>();
    vue.useServerEvent(es, 'price', (e) => expectTypeOf(e.data).toEqualTypeOf<{ sym: string; px: number }>());
    // @ts-expect-error 'prices' is not an event of Events
    vue.useServerEvent(es, 'prices');
    // @ts-expect-error price data is an object, not a string
    vue.useServerEvent(es, 'price', (e: ServerEvent<string>) => e);
    const { state, error } = vue.useConnectionState(es);
    expectTypeOf(state).toEqualTypeOf<Readonly<Ref<ConnectionState>>>();
    expectTypeOf(error).toEqualTypeOf<Readonly<Ref<ResilientEventSourceError | null>>>();
  });
});
