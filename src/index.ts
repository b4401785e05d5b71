export { ResilientEventSource } from './ResilientEventSource';
export { ResilientEventSourceError } from './errors';
export type * from './types';
export type { ResilientEventSourceErrorType } from './errors';
