import type { ResilientEventSourceErrorType } from '../errors';
import type { ConnectionState, StateChange, TransportName } from '../types';
import type { SharedEvent } from './recent-events';

/** What a leader tells every tab about the connection. */
export interface Status {
  state: ConnectionState;
  transport: TransportName | null;
  lastEventId: string;
}

/** A leader's status and its Web Locks client id, by which a silent leader's lock is known. */
export interface Leader extends Status {
  client: string | undefined;
}

/** The wire part of a reported error (an Error does not survive structured cloning with its fields). */
export interface ErrorReport {
  type: ResilientEventSourceErrorType;
  message: string;
  status?: number;
  closeCode?: number;
  attempt?: number;
}

/**
 * The messages on the BroadcastChannel. Everything a leader sends carries its epoch: tabs ignore an
 * older epoch than the newest they saw, and a leader that sees a newer one steps down (stale-leader guard).
 */
export type Message =
  /** A tab joined: its id (for the welcome), the event names it listens to, and the last id it has ('' if none). */
  | { t: 'hello'; from: string; names: string[]; after: string }
  /** A tab listens to a new name: the leader must listen to it on the connection. */
  | { t: 'listen'; name: string }
  /**
   * The leader's answer to one hello: events after this one are the new tab's. `missed`: the events after
   * the hello's `after` (null if the leader no longer has them, or the tab had none).
   */
  | ({ t: 'welcome'; epoch: number; to: string; missed: SharedEvent[] | null } & Leader)
  /** A tab took the lead; `handover` when it replaced another. */
  | ({ t: 'lead'; epoch: number; handover: boolean } & Leader)
  /** A server event, as received (every tab parses it itself). */
  | ({ t: 'event'; epoch: number } & SharedEvent)
  | { t: 'state'; epoch: number; change: Omit<StateChange, 'role' | 'previous'> }
  | { t: 'error'; epoch: number; error: ErrorReport }
  /** A follower that has not heard from the leader for a while: is it still there? */
  | { t: 'ping' }
  /** The leader's answer to a ping. */
  | { t: 'pong'; epoch: number }
  /** A follower's reconnect(). */
  | { t: 'reconnect' }
  /** A tab's own echo: once it comes back, every message sent before it reached this tab. */
  | { t: 'sync'; token: string };

/** A leader's epoch: newer than any seen, and time-based, so a tab that saw nothing still picks a newer one. */
export const nextEpoch = (seen: number, now = Date.now()): number => Math.max(seen + 1, now);

/** What a tab does with a message of `epoch`, given the newest epoch it knows. */
export function epochVerdict(epoch: number, known: number): 'stale' | 'current' | 'newer' {
  return epoch < known ? 'stale' : epoch === known ? 'current' : 'newer';
}
