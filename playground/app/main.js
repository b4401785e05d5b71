/**
 * The playground page: wires the controls, one ResilientEventSource (from the UMD bundle's
 * global), the accounting and the views. Data flows one way: callbacks update plain
 * counters, and views read them once per animation frame (chart and strip once a second).
 */
import { Accounting, UNCOUNTED } from './accounting.js';
import { RateChart } from './chart.js';
import { createCountersView } from './counters-view.js';
import { byId } from './dom.js';
import { EventLog } from './event-log.js';
import { createFaultsPanel } from './faults-panel.js';
import { renderOnFrame } from './frame.js';
import { describeOptions, readOptions } from './options-form.js';
import { createPublishBox } from './publish-box.js';
import { RecoveryClock } from './recovery.js';
import { watchServer } from './server-status.js';
import { Session } from './session.js';
import { Timeline } from './timeline.js';

let accounting = new Accounting();
let reconnects = 0;
let errors = 0;
let published = 0;
const recovery = new RecoveryClock();
const cspViolations = [];

const log = new EventLog(byId('event-log'));
const timeline = new Timeline(byId('timeline'), byId('timeline-strip'));
const chart = new RateChart(byId('chart'));
const renderCounters = createCountersView();

function snapshot() {
  const source = session.source;
  return {
    state: source?.state ?? 'closed',
    transport: source?.transport ?? null,
    role: source?.role ?? null,
    lastEventId: source?.lastEventId ?? '',
    received: accounting.received,
    gaps: accounting.gaps,
    duplicates: accounting.duplicates,
    resets: accounting.resets,
    reconnects,
    errors,
    published,
    recoverMs: recovery.lastMs,
    recoverWaiting: recovery.waiting,
  };
}

const render = renderOnFrame(() => {
  renderCounters(snapshot());
  log.render();
  timeline.render();
});

// ---- the source's callbacks ---------------------------------------------------------------

function onEvent(event) {
  const now = performance.now();
  if (recovery.event(now)) timeline.note(`recovered from the last fault in ${recovery.lastMs} ms`);
  if (event.type === 'heartbeat') {
    render();
    return;
  }
  const row = { t: Date.now(), id: '', type: event.type, raw: event.raw, kind: 'info' };
  if (event.type === 'reset') {
    accounting.reset();
  } else if (!UNCOUNTED.has(event.type)) {
    Object.assign(row, { id: event.lastEventId }, accounting.count(event.lastEventId));
    chart.countEvent();
  }
  log.add(row);
  render();
}

function onState(change) {
  if (change.state === 'reconnecting') {
    reconnects++;
    chart.reconnectDelay(change.delay);
  }
  recovery.state(change.state);
  timeline.state(change);
  render();
}

function onError(error) {
  errors++;
  timeline.error(error);
  render();
}

const session = new Session({ event: onEvent, state: onState, error: onError });

// ---- controls -----------------------------------------------------------------------------

/** A new session: fresh counters and log, the form's options, live events from now on. */
function connect() {
  const options = readOptions();
  session.close();
  accounting = new Accounting();
  reconnects = errors = published = 0;
  recovery.clear();
  log.clear();
  try {
    const source = session.start(options);
    timeline.note(`new session: ${describeOptions(options)}`);
    onState({
      state: source.state,
      previous: 'closed',
      reason: 'start',
      attempt: 0,
      delay: null,
      transport: source.transport,
    });
  } catch (error) {
    onError({ type: 'config', message: error.message });
  }
  render();
}

byId('btn-connect').addEventListener('click', connect);
// After Close the source is gone for good, so Reconnect starts a new session instead.
byId('btn-reconnect').addEventListener('click', () => session.reconnect() || connect());
byId('btn-close').addEventListener('click', () => session.close());
byId('options-form').addEventListener('submit', (event) => {
  event.preventDefault();
  connect();
});

const faults = createFaultsPanel({
  fault(label, disruptive) {
    if (disruptive) recovery.arm(performance.now());
    timeline.note(label);
    render();
  },
  failed(message) {
    timeline.note(message);
    render();
  },
  changed: () => void pollServer(),
});
const pollServer = watchServer((snapshot) => {
  faults.showActive(snapshot);
  render();
});

createPublishBox({
  listen: (name) => session.listen(name),
  published(count) {
    published += count;
    render();
  },
});

// A CSP violation means the page is doing something a strict-CSP user could not.
document.addEventListener('securitypolicyviolation', (event) => {
  cspViolations.push(`${event.violatedDirective}: ${event.blockedURI}`);
  onError({ type: 'csp', message: `CSP blocked ${event.blockedURI} (${event.violatedDirective})` });
});

setInterval(() => {
  chart.tick();
  timeline.drawStrip();
}, 1000);

// Read-only handle for debugging in the console and for the e2e tests.
Object.defineProperty(window, 'playground', {
  value: Object.freeze({
    get source() {
      return session.source;
    },
    get counters() {
      return snapshot();
    },
    get listenedNames() {
      return session.names;
    },
    get cspViolations() {
      return [...cspViolations];
    },
  }),
});

connect();
