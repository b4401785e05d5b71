import { describe, expectTypeOf, it } from 'vitest';
import {
  type PersistOption,
  ResilientEventSource,
  type ResilientEventSourceOptions,
  type ShareOptions,
  type ShareRole,
} from '../../src';

declare const es: ResilientEventSource<{ price: number }>;

describe('share and persist', () => {
  it('types the role on the source and on every state change', () => {
    expectTypeOf(es.role).toEqualTypeOf<'leader' | 'follower' | null>();
    expectTypeOf<ShareRole>().toEqualTypeOf<'leader' | 'follower' | null>();
    es.onStateChange((change) => expectTypeOf(change.role).toEqualTypeOf<ShareRole>());
  });

  it('takes share as a boolean or a key, and persist as session, local or false', () => {
    expectTypeOf<ResilientEventSourceOptions['share']>().toEqualTypeOf<boolean | ShareOptions | undefined>();
    expectTypeOf<ShareOptions['key']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<PersistOption>().toEqualTypeOf<'session' | 'local' | false>();
    new ResilientEventSource('/events', { share: true, persist: 'session' });
    new ResilientEventSource('/events', { share: { key: 'prices' }, persist: 'local' });
    new ResilientEventSource('/events', { share: false, persist: false });
  });

  it('rejects wrong shapes at compile time', () => {
    // @ts-expect-error the key is a string
    new ResilientEventSource('/events', { share: { key: 1 } });
    // @ts-expect-error sharing is true, false or an object
    new ResilientEventSource('/events', { share: 'yes' });
    // @ts-expect-error persist is 'session', 'local' or false
    new ResilientEventSource('/events', { persist: 'cookie' });
    // @ts-expect-error persist: true is not a place
    new ResilientEventSource('/events', { persist: true });
  });
});
