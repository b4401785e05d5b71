import { enableSharing } from '../connect';
import { attach } from './attach';

// resilient-eventsource/share: importing it lets every ResilientEventSource of the app take `share` and
// `persist` (the core alone refuses them, so that apps that never share do not carry this code).
enableSharing(attach);

export { ResilientEventSource, ResilientEventSourceError } from '../index';
export type * from '../index';
