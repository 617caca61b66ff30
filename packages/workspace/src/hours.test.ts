import { describe, expect, it } from 'vitest';
import { capStatus, computeTotals, type SessionInterval } from './hours.ts';
import { HOUR, MINUTE, T0 } from './test-support.ts';

const session = (
  id: string,
  startMin: number,
  endMin: number,
  phase: SessionInterval['phase'] = 'preliminaire',
  mode: SessionInterval['mode'] = 'presentiel',
): SessionInterval => ({
  id,
  startedAt: T0 + startMin * MINUTE,
  endedAt: T0 + endMin * MINUTE,
  phase,
  mode,
});

const DAY_CAP = 24 * 3600;

describe('computeTotals', () => {
  it('adds disjoint sessions and splits them by phase and mode', () => {
    const totals = computeTotals(
      [
        session('a', 0, 90, 'preliminaire', 'presentiel'),
        session('b', 600, 720, 'investigation', 'distanciel'),
      ],
      DAY_CAP,
    );
    expect(totals.seconds).toBe(210 * 60);
    expect(totals.byPhase).toEqual({ preliminaire: 5400, investigation: 7200, conclusion: 0 });
    expect(totals.byMode).toEqual({ presentiel: 5400, distanciel: 7200 });
    expect(totals.capReachedAt).toBeNull();
  });

  it('counts overlapping sessions once, attributing overlap to the earliest start', () => {
    const intervals = [
      session('late', 30, 120, 'investigation', 'distanciel'),
      session('early', 0, 60, 'preliminaire', 'presentiel'),
      session('inside', 10, 20, 'conclusion'),
    ];
    const totals = computeTotals(intervals, DAY_CAP);
    expect(totals.seconds).toBe(120 * 60);
    expect(totals.uncappedMs).toBe(120 * MINUTE);
    expect(totals.byPhase).toEqual({ preliminaire: 3600, investigation: 3600, conclusion: 0 });
    expect(totals.bySessionMs.get('inside')).toBe(0);
    // Same answer whatever order the sessions come in.
    expect(computeTotals([...intervals].reverse(), DAY_CAP)).toEqual(totals);
  });

  it('breaks equal starts by id, so every device splits the same way', () => {
    const x = session('x', 0, 60, 'preliminaire');
    const y = session('y', 0, 60, 'investigation');
    const totals = computeTotals([y, x], DAY_CAP);
    expect(totals.byPhase.preliminaire).toBe(3600);
    expect(totals.byPhase.investigation).toBe(0);
  });

  it('stops counting exactly at the cap', () => {
    const exact = computeTotals([session('a', 0, 60)], 3600);
    expect(exact.seconds).toBe(3600);
    expect(exact.capReachedAt).toBe(T0 + HOUR);
    const crossing = computeTotals([session('a', 0, 40), session('b', 50, 100)], 3600);
    expect(crossing.seconds).toBe(3600);
    expect(crossing.uncappedMs).toBe(90 * MINUTE);
    expect(crossing.capReachedAt).toBe(T0 + 70 * MINUTE);
    expect(crossing.bySessionMs.get('b')).toBe(20 * MINUTE);
    const after = computeTotals([session('a', 0, 60), session('b', 90, 100, 'conclusion')], 3600);
    expect(after.byPhase.conclusion).toBe(0);
    expect(after.capReachedAt).toBe(T0 + HOUR);
  });

  it('handles a one-second cap and empty input', () => {
    expect(computeTotals([], 60)).toMatchObject({ seconds: 0, capReachedAt: null });
    expect(computeTotals([session('a', 0, 1)], 1).capReachedAt).toBe(T0 + 1000);
  });
});

describe('capStatus', () => {
  const thresholds = [20 * 3600, 23 * 3600];
  it('warns from each threshold and is reached at the cap', () => {
    expect(capStatus(0, DAY_CAP, thresholds)).toMatchObject({
      level: 'ok',
      remainingSeconds: DAY_CAP,
      passedThreshold: null,
    });
    expect(capStatus(20 * HOUR - 1, DAY_CAP, thresholds).level).toBe('ok');
    expect(capStatus(20 * HOUR, DAY_CAP, thresholds)).toMatchObject({
      level: 'warning',
      passedThreshold: 20 * 3600,
      remainingSeconds: 4 * 3600,
    });
    expect(capStatus(23.5 * HOUR, DAY_CAP, thresholds).passedThreshold).toBe(23 * 3600);
    expect(capStatus(24 * HOUR - 1, DAY_CAP, thresholds)).toMatchObject({
      level: 'warning',
      remainingSeconds: 1,
    });
    expect(capStatus(24 * HOUR, DAY_CAP, thresholds)).toMatchObject({
      level: 'reached',
      remainingSeconds: 0,
      usedSeconds: DAY_CAP,
    });
  });
});
