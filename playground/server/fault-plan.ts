/**
 * Validation of `POST /faults` bodies. The whole body is checked before
 * anything is applied, so a bad request changes nothing.
 */
import { DEFAULT_DRIP, type DripConfig, type FaultPlan, type StatusFault } from './faults.js';

export type PlanResult = { ok: true; plan: FaultPlan } | { ok: false; error: string };

const KEYS = new Set(['clear', 'drop', 'restart', 'stall', 'status', 'sseDisabled', 'wsDisabled', 'drip', 'malformed']);
const MAX_RESTART_MS = 60_000;
const MAX_STALL_S = 3600;

class PlanError extends Error {}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function flag(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new PlanError(`${name} must be true or false`);
  return value;
}

function nonNegative(name: string, value: unknown, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > max) {
    throw new PlanError(`${name} must be a number between 0 and ${max}`);
  }
  return value;
}

function integer(name: string, value: unknown, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || (value as number) < min || (value as number) > max) {
    throw new PlanError(`${name} must be an integer between ${min} and ${max}`);
  }
  return value as number;
}

function parseStatus(value: unknown): StatusFault | null {
  if (value === null || value === false) return null;
  if (!isRecord(value)) throw new PlanError('status must be {code, count} or null');
  const code = integer('status.code', value.code, 200, 599);
  const count = value.count === undefined ? 1 : integer('status.count', value.count, 0, 1_000_000);
  return { code, count };
}

function parseDrip(value: unknown): DripConfig | null {
  if (value === null || value === false) return null;
  if (value === true) return { ...DEFAULT_DRIP };
  if (!isRecord(value)) throw new PlanError('drip must be true, false or {chunkBytes, intervalMs}');
  return {
    chunkBytes:
      value.chunkBytes === undefined
        ? DEFAULT_DRIP.chunkBytes
        : integer('drip.chunkBytes', value.chunkBytes, 1, 65_536),
    intervalMs:
      value.intervalMs === undefined
        ? DEFAULT_DRIP.intervalMs
        : integer('drip.intervalMs', value.intervalMs, 0, 10_000),
  };
}

function parseStall(value: unknown): number | null {
  if (value === null || value === false) return null;
  const seconds = nonNegative('stall', value, MAX_STALL_S);
  return seconds > 0 ? seconds : null;
}

/** Turns an untrusted JSON value into a plan, or a message saying what is wrong. */
export function parseFaultPlan(body: unknown): PlanResult {
  if (!isRecord(body)) return { ok: false, error: 'faults body must be a JSON object' };
  try {
    for (const key of Object.keys(body)) if (!KEYS.has(key)) throw new PlanError(`unknown fault "${key}"`);
    const plan: FaultPlan = {};
    if (body.clear !== undefined) plan.clear = flag('clear', body.clear);
    if (body.drop !== undefined) plan.drop = flag('drop', body.drop);
    if (body.restart !== undefined) plan.restart = nonNegative('restart', body.restart, MAX_RESTART_MS);
    if (body.stall !== undefined) plan.stall = parseStall(body.stall);
    if (body.status !== undefined) plan.status = parseStatus(body.status);
    if (body.sseDisabled !== undefined) plan.sseDisabled = flag('sseDisabled', body.sseDisabled);
    if (body.wsDisabled !== undefined) plan.wsDisabled = flag('wsDisabled', body.wsDisabled);
    if (body.drip !== undefined) plan.drip = parseDrip(body.drip);
    if (body.malformed !== undefined) plan.malformed = flag('malformed', body.malformed);
    return { ok: true, plan };
  } catch (error) {
    if (error instanceof PlanError) return { ok: false, error: error.message };
    throw error;
  }
}
