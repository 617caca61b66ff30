import { describe, expect, it } from 'vitest';
import { formatClock, formatDuration, toHoursMinutes } from './duration.ts';

describe('durations', () => {
  it('read the way a person says them', () => {
    expect(formatDuration(0)).toBe('0 s');
    expect(formatDuration(42)).toBe('42 s');
    expect(formatDuration(60)).toBe('1 min');
    expect(formatDuration(75)).toBe('1 min 15 s');
    expect(formatDuration(3600)).toBe('1 h');
    expect(formatDuration(5400)).toBe('1 h 30 min');
    expect(formatDuration(3661)).toBe('1 h 01 min 01 s');
    expect(formatDuration(24 * 3600)).toBe('24 h');
    expect(formatDuration(59.9)).toBe('59 s');
    expect(formatDuration(-5)).toBe('0 s');
    expect(formatDuration(Number.NaN)).toBe('0 s');
  });

  it('show a running clock and split hours and minutes', () => {
    expect(formatClock(42)).toBe('00:00:42');
    expect(formatClock(5400)).toBe('01:30:00');
    expect(formatClock(24 * 3600)).toBe('24:00:00');
    expect(toHoursMinutes(5430)).toEqual({ hours: 1, minutes: 30 });
    expect(toHoursMinutes(60)).toEqual({ hours: 0, minutes: 1 });
  });
});
