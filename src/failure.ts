/**
 * What a failed connection means: the error type it is reported as, and the reason the next attempt
 * gives. The connection (connection.ts, onFailure) reports the one, then schedules the other.
 */
import type { ResilientEventSourceErrorType } from './errors';
import type { TransportFailure } from './transports/transport';
import type { StateChangeReason } from './types';

/** Why an attempt failed: from the transport's report, a stalled stream, or a connection we could not make. */
export type FailureKind = 'transport' | 'heartbeat-timeout' | 'config';

/** The `type` of the error reported for a failure. */
export function errorTypeOf(failure: TransportFailure, kind: FailureKind): ResilientEventSourceErrorType {
  if (kind !== 'transport') return kind;
  // Only a policy close is the WebSocket's own kind of error; another close is a dropped connection.
  if (failure.closeCode !== undefined && failure.fatal) return 'websocket';
  return failure.status !== undefined ? 'http' : 'network';
}

/** The `reason` of the state change that schedules the retry after a failure (not the WebSocket switch). */
export function retryReasonOf(failure: TransportFailure, type: ResilientEventSourceErrorType): StateChangeReason {
  if (failure.ended) return 'ended';
  if (type === 'http' || type === 'heartbeat-timeout') return type;
  // 'config' (a url or headers function that failed) is retried as a network failure would be.
  return 'network';
}
