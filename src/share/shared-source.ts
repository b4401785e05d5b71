import { callEach, createEmitter, type ServerEvent } from '../emitter';
import { messageOf, ResilientEventSourceError, rethrowLater, type ResilientEventSourceErrorType } from '../errors';
import { settingsFrom } from '../options';
import { ReceivedEvent } from '../received-event';
import { type Connection, createConnection } from '../connection';
import type {
  ConnectionState,
  ErrorListener,
  ResilientEventSourceOptions,
  ShareRole,
  StateChange,
  StateChangeListener,
  TransportName,
  UrlInput,
} from '../types';
import { resolveUrl } from '../url';
import { type Election, elect, locksOf } from './election';
import { shareKey } from './key';
import { watchLifecycle } from './page-lifecycle';
import { persistence } from './persist';
import { epochVerdict, type Message, nextEpoch, type Status } from './protocol';
import { type SharedEvent, recentEvents } from './recent-events';
import { deliveredAfter, remember } from './replayed-ids';
import { holderOf, takeOver } from './takeover';
import { watchLeader } from './watchdog';

/** A tab that never heard a leader (it may just be starting) waits this long before it steals the lock (ms). */
const UNKNOWN_LEADER_MS = 3000;

const subscribe = <T>(listeners: Set<T>, listener: T): (() => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

export type SharedSource = Connection & {
  readonly role: ShareRole;
  reportError(error: ResilientEventSourceError): void;
};

/**
 * A source that shares one connection with every tab using the same key. Whichever tab holds the
 * Web Lock leads: it runs an ordinary source and sends every event, state change and connection error
 * over a BroadcastChannel; the others follow. Each tab parses and dispatches events itself, so parse
 * errors and throwing listeners stay in their tab. Without Web Locks or BroadcastChannel, or with only
 * `persist`, the tab leads alone (role null).
 */
export function createSharedSource(urlInput: UrlInput, options: ResilientEventSourceOptions): SharedSource {
  const settings = settingsFrom(options);
  const key = options.share || options.persist ? shareKey(urlInput, options) : '';
  const locks = locksOf();
  const sharing = Boolean(options.share) && locks !== undefined && typeof BroadcastChannel === 'function';
  const me = Math.random().toString(36).slice(2);
  const stateListeners = new Set<StateChangeListener>();
  const errorListeners = new Set<ErrorListener>();
  const local = createEmitter((cause, eventType) =>
    report('listener', `"${eventType}" listener threw`, { eventType, cause }),
  );
  // On a fresh task: the first read happens now, before the listeners added after construction exist.
  const store = persistence(options.persist, key, (cause) =>
    setTimeout(() => report('storage', `persist: storage failed, going on without it: ${messageOf(cause)}`, { cause })),
  );

  let role: ShareRole = null;
  let state: ConnectionState = 'connecting';
  let transport: TransportName | null = null;
  // An explicit lastEventId wins over the stored one.
  let lastId = options.lastEventId !== undefined ? settings.lastEventId : (store.read() ?? '');
  let url = typeof urlInput === 'function' ? '' : resolveUrl(urlInput).href;
  let disposed = false;
  /** The newest leader epoch this tab knows; 0 before it knows any. */
  let epoch = 0;
  /** A follower hears events only after the leader welcomed it (or took the lead itself). */
  let joined = false;
  /** Every name any tab listens to: the leader listens to all of them on the connection. */
  const names = new Set<string>();
  /** Ids this tab delivered from its own connection lately; `skip`: those a newer leader will send again. */
  let ownIds: string[] = [];
  let skip: string[] = [];
  let inner: Connection | undefined;
  let election: Election | undefined;
  /** The Web Locks client that leads in `epoch` (this tab's own while it leads). */
  let leaderClient: string | undefined;
  let syncToken: string | undefined;
  let joinedAt = 0;
  /** Removes the page lifecycle listeners (only a sharing tab has them). */
  let unwatchLifecycle: (() => void) | undefined;
  const lockName = `resilient-eventsource:${key}`;
  /** The latest events, for a tab that comes back and asks what it missed (whichever tab leads then). */
  const recent = sharing ? recentEvents() : undefined;
  /** Closed while the page is in the back/forward cache: an open channel keeps a page out of it. */
  let channel = sharing ? openChannel() : undefined;
  const post = (message: Message): void => channel?.postMessage(message);
  const watch = watchLeader(
    () => post({ t: 'ping' }),
    (stillSilent) => {
      if (!joined && Date.now() - joinedAt < UNKNOWN_LEADER_MS) return watch.start();
      const silentEpoch = epoch;
      void replaceLeader(() => epoch === silentEpoch && stillSilent());
    },
  );

  const source: SharedSource = {
    get state() {
      return state;
    },
    get transport() {
      return state === 'closed' ? null : (inner?.transport ?? transport);
    },
    get lastEventId() {
      return inner ? inner.lastEventId : lastId;
    },
    get url() {
      return inner ? inner.url : url;
    },
    get role() {
      return disposed ? null : role;
    },
    on(type: string, handler: (event: ServerEvent) => void): () => void {
      const off = local.on(type, handler);
      if (addName(type)) post({ t: 'listen', name: type });
      return off;
    },
    off: local.off,
    onStateChange: (listener: StateChangeListener) => subscribe(stateListeners, listener),
    onError: (listener: ErrorListener) => subscribe(errorListeners, listener),
    /** For attach.ts: an error found while setting up. */
    reportError(error: ResilientEventSourceError): void {
      callEach([...errorListeners], error, rethrowLater, () => !disposed);
    },
    reconnect(): void {
      if (disposed) return;
      if (inner) inner.reconnect();
      else post({ t: 'reconnect' });
    },
    close(): void {
      if (disposed) return;
      // A leader hands over: the lock goes to the next tab, which resumes from the last id.
      stepDown();
      election?.resign();
      watch.stop();
      syncToken = undefined;
      channel?.close();
      unwatchLifecycle?.();
      role = null;
      setState({ state: 'closed', reason: 'close', attempt: 0, delay: null, transport: null });
      disposed = true;
      local.clear();
      stateListeners.clear();
      errorListeners.clear();
    },
  };

  function report(
    type: ResilientEventSourceErrorType,
    message: string,
    details: ConstructorParameters<typeof ResilientEventSourceError>[2] = {},
  ): void {
    callEach([...errorListeners], new ResilientEventSourceError(type, message, details), rethrowLater, () => !disposed);
  }

  function setState(change: Omit<StateChange, 'previous' | 'role'>): void {
    const previous = state;
    state = change.state;
    transport = change.transport;
    const full: StateChange = { ...change, previous, role: source.role };
    callEach([...stateListeners], full, (cause) => report('listener', 'onStateChange listener threw', { cause }));
  }

  /** Adds a name some tab listens to; true if it is new. */
  function addName(name: string): boolean {
    if (names.has(name)) return false;
    names.add(name);
    inner?.on(name, forward);
    return true;
  }

  function adopt(status: Status): void {
    lastId = status.lastEventId;
    transport = status.transport;
  }

  /** Parses and dispatches one event in this tab; the parse option is this tab's own. */
  function deliver(type: string, raw: string, id: string): void {
    lastId = id;
    recent?.add({ type, raw, id });
    store.save(id);
    if (!local.has(type)) return;
    let data: unknown;
    try {
      data = settings.parse(raw, type);
    } catch (cause) {
      return report('parse', `cannot parse a "${type}" event: ${messageOf(cause)}`, { raw, eventType: type, cause });
    }
    // The same event class as the core's, so events look alike in every tab (lastEventId a getter).
    local.emit(new ReceivedEvent(type, data, raw, id));
  }

  /** The leader's listener on the connection, for every name of every tab. */
  function forward(event: ServerEvent): void {
    if (inner === undefined) return;
    const { type, raw, lastEventId } = event;
    post({ t: 'event', epoch, type, raw, id: lastEventId });
    ownIds = remember(ownIds, lastEventId);
    deliver(type, raw, lastEventId);
  }

  /** An event from the leader; after this tab was replaced, those it already had from its own connection are skipped. */
  function follow(type: string, raw: string, id: string): void {
    const had = id ? skip.indexOf(id) : -1;
    if (had >= 0) {
      skip = skip.slice(had + 1);
      lastId = id;
      return;
    }
    skip = [];
    deliver(type, raw, id);
  }

  /** Follows the leader of `newer`; a leader that was replaced (it froze, say) must not keep a second connection. */
  function followEpoch(newer: number, client: string | undefined, had: string[]): void {
    if (inner) {
      stepDown();
      join();
    }
    epoch = newer;
    joined = true;
    role = 'follower';
    leaderClient = client;
    skip = had;
    ownIds = [];
  }

  /** For a hello: the events after the tab's last one (none if it is up to date), or null if they are gone. */
  function missedAfter(after: string): SharedEvent[] | null {
    if (!after) return null;
    return after === source.lastEventId ? [] : (recent?.after(after) ?? null);
  }

  /**
   * A welcome's missed events (this tab follows none between its hello and its welcome, so they start
   * right after its last one), or one 'gap' error if the other tabs no longer keep them.
   */
  function catchUp(missed: SharedEvent[] | null, leaderId: string, ranAhead: boolean): void {
    if (missed) {
      for (const { type, raw, id } of missed) follow(type, raw, id);
    } else if (lastId && lastId !== leaderId && !ranAhead) {
      report('gap', `share: the events after id "${lastId}" are gone from every tab; going on from "${leaderId}"`);
    }
  }

  function status(): Status {
    return { state, transport: source.transport, lastEventId: source.lastEventId };
  }

  /** This tab holds the connection now; after another leader, a handover without backoff. */
  function lead(): void {
    const handover = joined && state !== 'connecting';
    watch.stop();
    role = sharing ? 'leader' : null;
    epoch = nextEpoch(epoch);
    joined = true;
    // The raw text crosses the channel; each tab parses it with its own `parse`.
    const connection = createConnection(urlInput, { ...options, parse: 'text', lastEventId: lastId });
    inner = connection;
    for (const name of names) connection.on(name, forward);
    connection.onStateChange((change) => {
      if (inner !== connection) return;
      const { role: _, previous: __, ...rest } = change;
      post({ t: 'state', epoch, change: rest });
      setState(rest);
      store.save(connection.lastEventId);
    });
    connection.onError((error) => {
      if (inner !== connection) return;
      const { type, message, status: httpStatus, closeCode, attempt } = error;
      post({ t: 'error', epoch, error: { type, message, status: httpStatus, closeCode, attempt } });
      callEach([...errorListeners], error, rethrowLater, () => !disposed);
    });
    if (handover) handedOver();
    post({ t: 'lead', epoch, handover, client: leaderClient, ...status() });
  }

  function handedOver(): void {
    setState({ state: 'reconnecting', reason: 'handover', attempt: 0, delay: 0, transport });
  }

  /** Stops leading (close, freeze, or a newer leader): the connection closes without a word to the others. */
  function stepDown(): void {
    const connection = inner;
    inner = undefined;
    if (!connection) return;
    lastId = connection.lastEventId;
    url = connection.url;
    transport = connection.transport;
    connection.close();
  }

  /**
   * Won the lock: learn this tab's lock client (the others need it to tell whether a silent leader still
   * holds the lock), make sure every message of the previous leader arrived, then lead.
   */
  function won(): void {
    if (disposed || !locks) return;
    const token = `${me}:${Math.random()}`;
    syncToken = token;
    void holderOf(locks, lockName)
      .catch(() => undefined)
      .then((client) => {
        if (syncToken !== token) return;
        leaderClient = client;
        const echo = new BroadcastChannel(lockName);
        echo.postMessage({ t: 'sync', token } satisfies Message);
        echo.close();
      });
  }

  function lost(): void {
    stepDown();
    role = 'follower';
    join();
  }

  /** Queues for the lead, says hello to the current leader, if any, and watches that it answers. */
  function join(): void {
    if (!channel || !locks) return;
    syncToken = undefined;
    election?.resign();
    election = elect(locks, lockName, won, lost);
    joinedAt = Date.now();
    post({ t: 'hello', from: me, names: [...names], after: lastId });
    watch.start();
  }

  /**
   * The leader went silent (frozen, hung): if the same tab still holds the lock, take it
   * from it (only one tab does; see takeOver). A leader that wakes up later finds a newer epoch and follows.
   */
  async function replaceLeader(stillSilent: () => boolean): Promise<void> {
    if (!locks) return;
    const ok = () => !disposed && !inner && election !== undefined && stillSilent();
    const holder = await holderOf(locks, lockName).catch(() => undefined);
    // Another holder than the silent leader has taken over already. A tab never welcomed goes by the holder.
    const silent = leaderClient ?? holder;
    const taken =
      holder && holder === silent && ok()
        ? await takeOver(locks, lockName, silent, ok, won, lost).catch(() => undefined)
        : undefined;
    if (taken) {
      election?.resign();
      election = taken;
    } else if (!disposed && !inner && election) watch.start();
  }

  function onMessage({ data: message }: MessageEvent<Message>): void {
    if (disposed) return;
    switch (message.t) {
      case 'hello':
        for (const name of message.names) addName(name);
        if (inner) {
          const missed = missedAfter(message.after);
          post({ t: 'welcome', epoch, to: message.from, client: leaderClient, missed, ...status() });
        }
        return;
      case 'listen':
        addName(message.name);
        return;
      case 'sync':
        if (message.token === syncToken) {
          syncToken = undefined;
          lead();
        }
        return;
      case 'reconnect':
        inner?.reconnect();
        return;
      case 'ping':
        if (inner) post({ t: 'pong', epoch });
        return;
    }
    const verdict = epochVerdict(message.epoch, epoch);
    if (verdict === 'stale') return;
    watch.heard();
    if (message.t === 'pong') return;
    // Only a leader's first words (to all, or a welcome to this tab) open an epoch. A tab that comes back
    // is not joined until its welcome, even in the same epoch (see onBack).
    const opens = message.t === 'lead' || (message.t === 'welcome' && message.to === me);
    if (opens && (verdict === 'newer' || !joined)) {
      const handover = joined && message.t === 'lead' && message.handover;
      // If this tab led and ran ahead of the new leader's resume point, it has those events already.
      const had = deliveredAfter(ownIds, message.lastEventId);
      followEpoch(message.epoch, message.client, had);
      if (message.t === 'welcome') catchUp(message.missed, message.lastEventId, had.length > 0);
      adopt(message);
      if (handover) handedOver();
      if (message.state !== state) {
        const reason = message.state === 'open' ? 'open' : 'handover';
        setState({ state: message.state, reason, attempt: 0, delay: null, transport: message.transport });
      }
      return;
    }
    if (verdict === 'newer' && joined) {
      // A newer leader whose first words this tab missed (it was paused, say): follow it from here; it
      // may send again what this tab had from its own connection.
      followEpoch(message.epoch, undefined, ownIds);
      if (message.t === 'event' && state !== 'open') {
        setState({ state: 'open', reason: 'open', attempt: 0, delay: null, transport });
      }
    }
    if (!joined || inner) return;
    if (message.t === 'event') follow(message.type, message.raw, message.id);
    else if (message.t === 'state') {
      setState(message.change);
    } else if (message.t === 'error') {
      const { type, message: text, ...details } = message.error;
      report(type, text, details);
    }
  }

  function openChannel(): BroadcastChannel {
    const opened = new BroadcastChannel(lockName);
    opened.onmessage = onMessage;
    return opened;
  }

  /**
   * Frozen, in the back/forward cache, or unloading (closed, reloaded, navigated away): give the lead (and
   * the queue) up at once, before the dying connection reports a failure to the others; come back as a
   * follower, if the page comes back, and get what it missed from the leader (see catchUp).
   */
  const onHidden = (event: Event): void => {
    // A frozen tab may keep its lock all the same: then the others find it silent and steal it.
    stepDown();
    watch.stop();
    election?.resign();
    election = undefined;
    // Into the back/forward cache: a channel left open would keep the page out (Chromium evicts it as soon
    // as a message arrives), and messages sent meanwhile would be lost anyway.
    if (event.type === 'pagehide' && (event as PageTransitionEvent).persisted) {
      channel?.close();
      channel = undefined;
    }
  };
  const onBack = (event: Event): void => {
    if (disposed || (event.type === 'pageshow' && !(event as PageTransitionEvent).persisted)) return;
    channel ??= openChannel();
    if (election) return;
    // Events may have passed this tab meanwhile: follow none until the welcome, which brings them.
    joined = false;
    join();
  };
  if (channel) {
    unwatchLifecycle = watchLifecycle(onHidden, onBack);
    join();
  } else {
    lead();
  }
  return source;
}
