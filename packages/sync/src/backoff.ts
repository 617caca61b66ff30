import { RECONNECT_BASE_MS, RECONNECT_MAX_MS } from './constants.ts';

/**
 * Delay before reconnect attempt `attempt` (0-based): exponential, capped, with full
 * jitter in [50 %, 100 %] so that clients cut off by one relay restart do not all
 * come back in the same millisecond.
 */
export function reconnectDelayMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(RECONNECT_MAX_MS, RECONNECT_BASE_MS * 2 ** Math.min(attempt, 16));
  return Math.round(ceiling * (0.5 + random() / 2));
}
