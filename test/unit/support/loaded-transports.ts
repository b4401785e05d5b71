/**
 * Setup for the unit project: the EventSource wrapper is loaded once, before any test, as in a page
 * whose first connection has already loaded it. Sources with an injected EventSource then create it
 * within their constructor, and the tests drive it at once. The first-use load itself is tested in
 * test/unit/transport-loading.test.ts.
 */
import { loadTransport } from '../../../src/transports/load';

class NoEventSource {}
await loadTransport('native', { EventSource: NoEventSource as unknown as typeof EventSource });
