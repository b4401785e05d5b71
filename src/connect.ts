import { type Connection, createConnection } from './connection';
import { ConfigError } from './errors';
import type { ResilientEventSourceOptions, ShareRole, UrlInput } from './types';

/** What a ResilientEventSource drives: its own connection, or its tab's part in a shared one. */
export type Source = Connection & { role?: ShareRole };
type ConnectShared = (url: UrlInput, options: ResilientEventSourceOptions) => Source;

/** Set when the app imports resilient-eventsource/share (src/share/index.ts); the core never loads it. */
let connectShared: ConnectShared | undefined;

export function enableSharing(connect: ConnectShared): void {
  connectShared = connect;
}

/**
 * The one seam between the core and tab sharing, all that an app that never shares pays for it (the
 * size check measures it against scripts/no-share-seam.ts): a source asked to share or persist
 * connects through src/share/, which must have been imported; any other gets its own connection.
 */
export function connect(url: UrlInput, options: ResilientEventSourceOptions): Source {
  if (!options.share && !options.persist) return createConnection(url, options);
  if (!connectShared)
    throw new ConfigError("share and persist need import { ResilientEventSource } from 'resilient-eventsource/share'");
  return connectShared(url, options);
}
