/**
 * Fault buttons: each one POSTs a plan to /faults (DELETE clears them all). Toggles show
 * the server's real fault state, taken from its stats, not what we last clicked.
 */
import { deleteJson, postJson } from './api.js';
import { byId, numberFrom, setText } from './dom.js';

const statusPlan = (code, count) => ({ status: { code, count } });

/** Button id → the plan it sends. `disruptive` faults start the recovery clock. */
const ACTIONS = {
  'fault-drop': { disruptive: true, plan: () => ({ drop: true }) },
  'fault-stall': { disruptive: true, plan: () => ({ stall: numberFrom('fault-stall-seconds', 5) }) },
  'fault-500': { disruptive: true, plan: () => statusPlan(500, numberFrom('fault-count', 3)) },
  'fault-503': { disruptive: true, plan: () => statusPlan(503, numberFrom('fault-count', 3)) },
  'fault-401': { disruptive: true, plan: () => statusPlan(401, 1) },
  'fault-204': { disruptive: true, plan: () => statusPlan(204, 1) },
  'fault-restart': { disruptive: true, plan: () => ({ restart: numberFrom('fault-restart-ms', 2000) }) },
};

/** Toggle id → the snapshot key it mirrors and the plan that flips it. */
const TOGGLES = {
  'fault-sse': { key: 'sseDisabled', plan: (on) => ({ sseDisabled: on }), disruptive: true },
  'fault-ws': { key: 'wsDisabled', plan: (on) => ({ wsDisabled: on }), disruptive: true },
  'fault-drip': { key: 'drip', plan: (on) => ({ drip: on }), disruptive: false },
  'fault-malformed': { key: 'malformed', plan: (on) => ({ malformed: on }), disruptive: false },
};

/**
 * hooks: { fault(description, disruptive) } before a request is sent, { failed(message) },
 * { changed() } after the server answered (to refresh its stats).
 */
export function createFaultsPanel(hooks) {
  const status = byId('fault-status');

  async function send(label, disruptive, request) {
    hooks.fault(label, disruptive);
    try {
      const answer = await request();
      if (answer.active) showActive(answer.active);
    } catch (error) {
      hooks.failed(`${label}: ${error.message}`);
    }
    hooks.changed();
  }

  for (const [id, action] of Object.entries(ACTIONS)) {
    byId(id).addEventListener('click', () => {
      const plan = action.plan();
      void send(`fault: ${describePlan(plan)}`, action.disruptive, () => postJson('/faults', plan));
    });
  }
  for (const [id, toggle] of Object.entries(TOGGLES)) {
    const button = byId(id);
    button.addEventListener('click', () => {
      const on = button.getAttribute('aria-pressed') !== 'true';
      const plan = toggle.plan(on);
      // Only switching a fault on can break the stream.
      void send(`fault: ${describePlan(plan)}`, toggle.disruptive && on, () => postJson('/faults', plan));
    });
  }
  byId('fault-clear').addEventListener('click', () => void send('clear faults', false, () => deleteJson('/faults')));

  /** Mirrors a FaultSnapshot (GET /faults shape) onto the toggles and the status line. */
  function showActive(snapshot) {
    for (const [id, toggle] of Object.entries(TOGGLES)) {
      byId(id).setAttribute('aria-pressed', String(Boolean(snapshot[toggle.key])));
    }
    setText(status, describe(snapshot));
  }

  return { showActive };
}

/** A plan as a short phrase for the timeline, e.g. "status 503 ×3" or "stall 5". */
function describePlan(plan) {
  return Object.entries(plan)
    .map(([key, value]) => {
      if (value === true) return key;
      if (value === false) return `${key} off`;
      if (typeof value === 'object' && value !== null) return `${key} ${value.code} ×${value.count}`;
      return `${key} ${value}`;
    })
    .join(', ');
}

function describe(snapshot) {
  const parts = [];
  if (snapshot.stall) parts.push(`stall ${(snapshot.stall.remainingMs / 1000).toFixed(1)} s left`);
  if (snapshot.status) parts.push(`${snapshot.status.code} ×${snapshot.status.count} pending`);
  if (snapshot.sseDisabled) parts.push('SSE off');
  if (snapshot.wsDisabled) parts.push('WS off');
  if (snapshot.drip) parts.push(`drip ${snapshot.drip.chunkBytes} B/${snapshot.drip.intervalMs} ms`);
  if (snapshot.malformed) parts.push('malformed');
  return parts.length ? `active: ${parts.join(' · ')}` : 'no faults';
}
