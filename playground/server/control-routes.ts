/** Test-control endpoints: `/faults`, `/debug/requests`, `/debug/stats`. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Hub } from './connections.js';
import { parseFaultPlan } from './fault-plan.js';
import type { FaultState } from './faults.js';
import { readJson, sendJson } from './http-util.js';
import type { EventLog } from './log.js';
import type { RecordedRequest } from './request-log.js';

export interface ControlDeps {
  log: EventLog;
  hub: Hub;
  faults: FaultState;
  requests: RecordedRequest[];
  restart(downMs: number): Promise<void>;
}

export const CONTROL_PATHS = new Set(['/faults', '/debug/requests', '/debug/stats']);

async function postFaults(req: IncomingMessage, res: ServerResponse, deps: ControlDeps): Promise<void> {
  const body = await readJson(req);
  if (!body.ok) return sendJson(res, 400, { error: body.error });
  const parsed = parseFaultPlan(body.value);
  if (!parsed.ok) return sendJson(res, 400, { error: parsed.error });
  const { plan } = parsed;
  deps.faults.apply(plan);
  const dropped = plan.drop ? deps.hub.dropAll() : undefined;
  if (plan.restart !== undefined) {
    const downMs = plan.restart;
    // Restart only once this answer is out, since it destroys this socket too.
    res.once('finish', () => {
      deps.restart(downMs).catch((error: unknown) => console.error('restart failed:', error));
    });
  }
  sendJson(res, 200, {
    active: deps.faults.snapshot(),
    ...(dropped !== undefined ? { dropped } : {}),
    ...(plan.restart !== undefined ? { restartMs: plan.restart } : {}),
  });
}

function stats(deps: ControlDeps): unknown {
  const { log } = deps;
  return {
    connections: deps.hub.counts(),
    lastId: log.lastId > 0 ? String(log.lastId) : null,
    oldestId: log.size > 0 ? String(log.oldestId) : null,
    size: log.size,
    capacity: log.capacity,
    faults: deps.faults.snapshot(),
  };
}

/** Handles a control request; the caller has checked the path is in CONTROL_PATHS. */
export async function handleControl(
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
  deps: ControlDeps,
): Promise<void> {
  const method = req.method ?? 'GET';
  const route = `${method} ${pathname}`;
  switch (route) {
    case 'GET /faults':
      return sendJson(res, 200, deps.faults.snapshot());
    case 'POST /faults':
      return postFaults(req, res, deps);
    case 'DELETE /faults':
      deps.faults.clearAll();
      return sendJson(res, 200, { active: deps.faults.snapshot() });
    case 'GET /debug/requests':
      return sendJson(res, 200, deps.requests);
    case 'DELETE /debug/requests': {
      const cleared = deps.requests.length;
      // Cleared in place: the API hands out this same array.
      deps.requests.length = 0;
      return sendJson(res, 200, { cleared });
    }
    case 'GET /debug/stats':
      return sendJson(res, 200, stats(deps));
    default:
      return sendJson(res, 405, { error: `${method} is not allowed on ${pathname}` });
  }
}
