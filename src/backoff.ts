/** Normalised reconnect settings (see `ReconnectOptions` for meaning and defaults). */
export interface BackoffSettings {
  initialDelay: number;
  maxDelay: number;
  factor: number;
  jitter: number;
}

/**
 * Delay before reconnect attempt number `attempt` (1-based):
 * `min(maxDelay, initial × factor^(attempt − 1))`, minus a random share of up to `jitter` of it,
 * so clients dropped together do not return together, and no delay ever exceeds `maxDelay`.
 */
export function backoffDelay(
  attempt: number,
  settings: BackoffSettings,
  initial: number = settings.initialDelay,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, attempt - 1);
  const base = Math.min(settings.maxDelay, initial * settings.factor ** exponent);
  return Math.round(base * (1 - settings.jitter * random()));
}
