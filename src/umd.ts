import { ResilientEventSource } from './ResilientEventSource';
import { ResilientEventSourceError } from './errors';

/**
 * The <script> build's global: the class itself, so `new ResilientEventSource(url)` works, with
 * the named exports attached, so `new ResilientEventSource.ResilientEventSource(url)` works too.
 */
export default Object.assign(ResilientEventSource, { ResilientEventSource, ResilientEventSourceError });
