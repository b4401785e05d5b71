import { vi } from 'vitest';
import { ResilientEventSource } from '../../../src';
import type { ResilientEventSourceError, ResilientEventSourceOptions, StateChange } from '../../../src';
import { FakeEventSource } from './fake-event-source';
import { fakePage } from './page';

/** A source over FakeEventSource with every state change and error recorded. */
export function createSource<Events extends object = Record<string, unknown>>(
  options: ResilientEventSourceOptions = {},
  url = 'https://api.example/events',
) {
  const source = new ResilientEventSource<Events>(url, {
    EventSource: FakeEventSource as unknown as ResilientEventSourceOptions['EventSource'],
    reconnect: { jitter: 0, ...options.reconnect },
    ...options,
    ...(options.reconnect ? { reconnect: { jitter: 0, ...options.reconnect } } : {}),
  });
  const changes: StateChange[] = [];
  const errors: ResilientEventSourceError[] = [];
  source.onStateChange((change) => changes.push(change));
  source.onError((error) => errors.push(error));
  return { source, changes, errors };
}

export function setupFakes() {
  vi.useFakeTimers();
  FakeEventSource.reset();
  return fakePage();
}

export function teardownFakes() {
  vi.useRealTimers();
  vi.unstubAllGlobals();
}

export { FakeEventSource };
