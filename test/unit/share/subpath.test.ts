import { describe, expect, it } from 'vitest';
import { ResilientEventSource } from '../../../src';
import { acquireSource } from '../../../src/adapters/registry';
import { FakeEventSource } from '../support/fake-event-source';

const url = 'https://api.example/events';
const EventSource = FakeEventSource as unknown as typeof globalThis.EventSource;

// This file imports the core alone first, as an app that never shares does.
describe('share and persist live in resilient-eventsource/share', () => {
  it('the core alone refuses them with an error that names the import, and still connects without them', async () => {
    expect(() => new ResilientEventSource(url, { EventSource, share: true })).toThrow(
      /import \{ ResilientEventSource \} from 'resilient-eventsource\/share'/,
    );
    expect(() => new ResilientEventSource(url, { EventSource, persist: 'session' })).toThrow(TypeError);
    const own = new ResilientEventSource(url, { EventSource, share: false, persist: false });
    expect(own.role).toBeNull();
    own.close();

    const shared = await import('../../../src/share/index');
    // One class, whichever path it is imported from.
    expect(shared.ResilientEventSource).toBe(ResilientEventSource);
    const source = new ResilientEventSource(url, { EventSource, share: true });
    // No Web Locks in Node: the tab connects on its own, as documented.
    await expect.poll(() => FakeEventSource.instances.length).toBeGreaterThan(0);
    expect(source.role).toBeNull();
    source.close();

    // The hooks' sources too (they construct the same class).
    const lease = acquireSource(url, { EventSource, share: { key: 'hooks' } });
    expect(lease.source).toBeInstanceOf(ResilientEventSource);
    lease.source.close();
    lease.release();
  });
});
