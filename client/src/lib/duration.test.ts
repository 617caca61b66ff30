import { describe, expect, it } from 'vitest';
import { formatClock, formatDuration, fromHoursMinutes, toHoursMinutes } from './duration.ts';

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

  it('read hours and minutes typed in a duration input', () => {
    expect(fromHoursMinutes(1, 30)).toBe(5400);
    expect(fromHoursMinutes(24, 0)).toBe(24 * 3600);
    expect(fromHoursMinutes(null, 5)).toBe(300);
    expect(fromHoursMinutes(2, null)).toBe(7200);
    expect(fromHoursMinutes(null, null)).toBe(0);
    for (const [hours, minutes] of [
      [1, -30],
      [-1, 0],
      [0, 60],
      [1.5, 0],
      [0, 0.5],
      [Number.NaN, 0],
    ] as const) {
      expect(fromHoursMinutes(hours, minutes)).toBeNull();
    }
    for (const seconds of [0, 60, 5400, 86_340]) {
      const { hours, minutes } = toHoursMinutes(seconds);
      expect(fromHoursMinutes(hours, minutes)).toBe(seconds);
    }
  });
});
