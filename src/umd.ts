// The <script> build carries tab sharing: resilient-eventsource/share's entry, which enables it.
import { ResilientEventSource, ResilientEventSourceError } from './share/index';

/**
 * The <script> build's global: the class itself, so `new ResilientEventSource(url)` works, with
 * the named exports attached, so `new ResilientEventSource.ResilientEventSource(url)` works too.
 */
export default Object.assign(ResilientEventSource, { ResilientEventSource, ResilientEventSourceError });
