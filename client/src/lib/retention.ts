/**
 * Retention on this device: which stored bilans are due for destruction (from the summary
 * cached for the home screen, so nothing has to be opened), how long a destroyed bilan's
 * order is re-announced, and the dates offered for the beneficiary's retention consent.
 * Pure functions of their inputs and `now`; the closure state schedules them.
 */
import type { StoredBilan } from '@tandem/sync';
import type { RetentionDeadline, RetentionPolicy } from '@tandem/workspace';

const DAY_MS = 86_400_000;
/** Without a deadline in the future, a destroy order is re-announced for a year. */
export const DEFAULT_ANNOUNCE_MS = 365 * DAY_MS;
/** Years a retention consent may run after the end, per policy (DOMAIN.md). */
const POLICY_YEARS: Readonly<Record<RetentionPolicy, number>> = { current: 3, legacy: 1 };

export type PurgeCheck =
  /** The cached deadline has passed: open the document to confirm, then destroy. */
  | 'past-deadline'
  /** Nothing cached (never fully opened here): open the document to find out. */
  | 'unknown';

/** Bilans this device must look at for retention now, from the cached summaries. */
export function bilansToCheck(
  bilans: readonly StoredBilan[],
  now: number,
): { bilanId: string; check: PurgeCheck }[] {
  return bilans.flatMap((bilan): { bilanId: string; check: PurgeCheck }[] => {
    const deadline = bilan.summary?.retentionDeadline ?? null;
    if (bilan.summary === null) return [{ bilanId: bilan.bilanId, check: 'unknown' }];
    if (deadline !== null && deadline <= now) {
      return [{ bilanId: bilan.bilanId, check: 'past-deadline' }];
    }
    return [];
  });
}

/**
 * Until when a destroying device re-announces its order: the retention deadline if it is
 * still ahead (after it the other device destroys its copy by itself anyway), else a year.
 */
export function announceUntil(retention: RetentionDeadline, now: number): number {
  if (retention.state === 'scheduled' && retention.at > now + DAY_MS) return retention.at;
  return now + DEFAULT_ANNOUNCE_MS;
}

/** Adds whole years in UTC (29 February → 28 February when needed). */
export function addYears(epochMs: number, years: number): number {
  const date = new Date(epochMs);
  const target = new Date(epochMs);
  target.setUTCFullYear(date.getUTCFullYear() + years);
  if (target.getUTCDate() !== date.getUTCDate()) target.setUTCDate(0);
  return target.getTime();
}

/**
 * The latest deadline a retention consent may carry: policy years after the end, or after
 * today while the bilan runs (the workspace caps it again at the end).
 */
export function maxConsentDeadline(
  policy: RetentionPolicy,
  endedAt: number | null,
  now: number,
): number {
  return addYears(endedAt ?? now, POLICY_YEARS[policy]);
}

/** 'YYYY-MM-DD' (UTC) of an instant, for date inputs. */
export function isoDay(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

/** End of that UTC day (23:59:59.999) of a 'YYYY-MM-DD', or null if it is not a date. */
export function endOfIsoDay(iso: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso)) return null;
  const start = Date.parse(`${iso}T00:00:00Z`);
  if (!Number.isFinite(start) || isoDay(start) !== iso) return null;
  return start + DAY_MS - 1;
}
