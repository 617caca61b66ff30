/**
 * Pure arithmetic of time spent: totals from session intervals, and the cap rules.
 *
 * Totals come from the union of the intervals, so time covered by two sessions at once
 * (both devices pressed start while apart) counts once. Overlapping time is attributed to
 * the session that started first (ties: smaller id), so the split by phase and mode is the
 * same on every device. Time beyond the cap is not counted, in chronological order.
 */
import type { Mode, PhaseId } from './meta.ts';
import { MODES, PHASE_IDS } from './meta.ts';

/** One session's effective interval (epoch ms, end ≥ start). */
export interface SessionInterval {
  readonly id: string;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly phase: PhaseId;
  readonly mode: Mode;
}

export interface Totals {
  /** Counted time in whole seconds (rounded down). */
  readonly seconds: number;
  /** Counted time in milliseconds. */
  readonly ms: number;
  /** Counted seconds per phase. */
  readonly byPhase: Readonly<Record<PhaseId, number>>;
  /** Counted seconds per mode (présentiel / distanciel). */
  readonly byMode: Readonly<Record<Mode, number>>;
  /** Counted milliseconds per session id (0 for time wholly covered by an earlier one). */
  readonly bySessionMs: ReadonlyMap<string, number>;
  /** Union of all intervals before the cap is applied, in ms. */
  readonly uncappedMs: number;
  /** The instant the cap was reached, or null if it was not. */
  readonly capReachedAt: number | null;
}

const toSeconds = (ms: number): number => Math.floor(ms / 1000);

/** Totals of `intervals` under a cap of `capSeconds`. */
export function computeTotals(intervals: readonly SessionInterval[], capSeconds: number): Totals {
  const capMs = capSeconds * 1000;
  const sorted = [...intervals].sort((a, b) =>
    a.startedAt !== b.startedAt
      ? a.startedAt - b.startedAt
      : a.id < b.id
        ? -1
        : a.id > b.id
          ? 1
          : 0,
  );
  const byPhaseMs = Object.fromEntries(PHASE_IDS.map((p) => [p, 0])) as Record<PhaseId, number>;
  const byModeMs = Object.fromEntries(MODES.map((m) => [m, 0])) as Record<Mode, number>;
  const bySessionMs = new Map<string, number>();
  let coveredUntil = -Infinity;
  let uncappedMs = 0;
  let countedMs = 0;
  let capReachedAt: number | null = null;
  for (const session of sorted) {
    // Sorted by start, so everything before `coveredUntil` from here on is already counted.
    const from = Math.max(session.startedAt, coveredUntil);
    const length = Math.max(0, session.endedAt - from);
    coveredUntil = Math.max(coveredUntil, session.endedAt);
    uncappedMs += length;
    const counted = Math.min(length, Math.max(0, capMs - countedMs));
    if (capReachedAt === null && length > 0 && countedMs + length >= capMs) {
      capReachedAt = from + (capMs - countedMs);
    }
    countedMs += counted;
    bySessionMs.set(session.id, (bySessionMs.get(session.id) ?? 0) + counted);
    byPhaseMs[session.phase] += counted;
    byModeMs[session.mode] += counted;
  }
  return {
    seconds: toSeconds(countedMs),
    ms: countedMs,
    byPhase: mapValues(byPhaseMs, toSeconds),
    byMode: mapValues(byModeMs, toSeconds),
    bySessionMs,
    uncappedMs,
    capReachedAt,
  };
}

function mapValues<K extends string>(
  record: Record<K, number>,
  f: (value: number) => number,
): Record<K, number> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, f(v as number)])) as Record<
    K,
    number
  >;
}

/** 'ok' → 'warning' once a threshold is passed → 'reached' at the cap. */
export type CapLevel = 'ok' | 'warning' | 'reached';

export interface CapStatus {
  readonly level: CapLevel;
  readonly usedSeconds: number;
  readonly capSeconds: number;
  /** Seconds left before the cap (rounded up, so "0" only once it is reached). */
  readonly remainingSeconds: number;
  /** Warning thresholds in effect, seconds used, ascending. */
  readonly thresholdsSeconds: readonly number[];
  /** The highest threshold passed, or null: the UI shows one warning for it. */
  readonly passedThreshold: number | null;
}

/** Where `usedMs` stands against the cap and its warning thresholds. */
export function capStatus(
  usedMs: number,
  capSeconds: number,
  thresholdsSeconds: readonly number[],
): CapStatus {
  const capMs = capSeconds * 1000;
  const thresholds = [...thresholdsSeconds].sort((a, b) => a - b);
  const passed = thresholds.filter((t) => t * 1000 <= usedMs);
  const reached = usedMs >= capMs;
  return {
    level: reached ? 'reached' : passed.length > 0 ? 'warning' : 'ok',
    usedSeconds: toSeconds(Math.min(usedMs, capMs)),
    capSeconds,
    remainingSeconds: reached ? 0 : Math.ceil((capMs - usedMs) / 1000),
    thresholdsSeconds: thresholds,
    passedThreshold: passed[passed.length - 1] ?? null,
  };
}
