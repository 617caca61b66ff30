import type { StoredBilan } from '@tandem/sync';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ANNOUNCE_MS,
  addYears,
  announceUntil,
  bilansToCheck,
  endOfIsoDay,
  isoDay,
  maxConsentDeadline,
} from './retention.ts';

const NOW = Date.UTC(2026, 5, 15, 12);
const DAY = 86_400_000;

function stored(bilanId: string, retentionDeadline: number | null, summary = true): StoredBilan {
  return {
    bilanId,
    role: 'beneficiary',
    createdAt: 0,
    lastOpenedAt: 0,
    pins: { counsellor: null, beneficiary: null },
    retiredTopics: [],
    revokedAt: null,
    summary: summary
      ? {
          beneficiaryName: 'A',
          counsellorName: 'C',
          phase: 'conclusion',
          secondsUsed: 0,
          capSeconds: 86_400,
          retentionDeadline,
          lastActivityAt: 0,
        }
      : null,
  };
}

describe('retention scheduling', () => {
  it('picks the bilans whose cached deadline has passed, and those never summarised', () => {
    const bilans = [
      stored('running', null),
      stored('future', NOW + 1),
      stored('exact', NOW),
      stored('past', NOW - DAY),
      stored('never-opened', null, false),
    ];
    expect(bilansToCheck(bilans, NOW)).toEqual([
      { bilanId: 'exact', check: 'past-deadline' },
      { bilanId: 'past', check: 'past-deadline' },
      { bilanId: 'never-opened', check: 'unknown' },
    ]);
    // The same list a year later: the future one is due too.
    expect(bilansToCheck(bilans, NOW + 400 * DAY).map((b) => b.bilanId)).toContain('future');
  });

  it('re-announces a destroy order until the deadline, or a year when none is ahead', () => {
    const scheduled = (at: number) =>
      ({ state: 'scheduled', at, basis: 'consent', policy: 'current', endedAt: NOW }) as const;
    expect(announceUntil(scheduled(NOW + 700 * DAY), NOW)).toBe(NOW + 700 * DAY);
    expect(announceUntil(scheduled(NOW - DAY), NOW)).toBe(NOW + DEFAULT_ANNOUNCE_MS);
    expect(announceUntil({ state: 'not-ended' }, NOW)).toBe(NOW + DEFAULT_ANNOUNCE_MS);
  });

  it('bounds the retention consent by the policy, from the end or from today', () => {
    const ended = Date.UTC(2026, 0, 10);
    expect(isoDay(maxConsentDeadline('current', ended, NOW))).toBe('2029-01-10');
    expect(isoDay(maxConsentDeadline('legacy', ended, NOW))).toBe('2027-01-10');
    expect(isoDay(maxConsentDeadline('current', null, NOW))).toBe('2029-06-15');
    expect(isoDay(addYears(Date.UTC(2028, 1, 29), 1))).toBe('2029-02-28');
  });

  it('reads date inputs as the end of that day, and refuses non-dates', () => {
    expect(endOfIsoDay('2026-09-30')).toBe(Date.UTC(2026, 8, 30, 23, 59, 59, 999));
    expect(endOfIsoDay('2026-02-30')).toBeNull();
    expect(endOfIsoDay('30/09/2026')).toBeNull();
    expect(endOfIsoDay('')).toBeNull();
  });
});
