/** The reconnect settings the delay depends on (see `ReconnectOptions` for meaning and defaults). */
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
export const backoffDelay = (
  attempt: number,
  { initialDelay, maxDelay, factor, jitter }: BackoffSettings,
  initial = initialDelay,
  random = Math.random,
): number => Math.round(Math.min(maxDelay, initial * factor ** (attempt - 1)) * (1 - jitter * random()));
