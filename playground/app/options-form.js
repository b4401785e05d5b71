/** Reads the Connection controls into ResilientEventSource options. */
import { byId, numberFrom } from './dom.js';

const WS_URL = '/ws';

export function readOptions() {
  const transport = byId('opt-transport').value;
  const options = {
    transport,
    heartbeatTimeout: numberFrom('opt-heartbeat', 15000),
    reconnect: {
      initialDelay: numberFrom('opt-initial-delay', 500),
      maxDelay: numberFrom('opt-max-delay', 10000),
    },
  };
  // The 'websocket' transport needs the URL even when the fallback box is off.
  if (byId('opt-ws-fallback').checked || transport === 'websocket') {
    options.websocket = { url: WS_URL, after: 2, returnToSseAfter: 15000 };
  }
  // One connection for all tabs: the leader tab holds it, the others follow.
  if (byId('opt-share').checked) options.share = true;
  return options;
}

/** One line for the timeline, so a session's settings are on record. */
export function describeOptions(options) {
  const { initialDelay, maxDelay } = options.reconnect;
  const ws = options.websocket ? ' · ws fallback' : '';
  const share = options.share ? ' · shared across tabs' : '';
  return `${options.transport} · heartbeat ${options.heartbeatTimeout} ms · backoff ${initialDelay}–${maxDelay} ms${ws}${share}`;
}
