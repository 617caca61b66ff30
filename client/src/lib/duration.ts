/**
 * Durations as people read them on the timer, the breakdown and the evidence. Short caps
 * (a minute, for tests or trials) need seconds; whole hours stay short: 5400 → "1 h 30 min".
 */

const pad = (n: number): string => String(n).padStart(2, '0');

/** 3600 → "1 h", 5400 → "1 h 30 min", 3661 → "1 h 01 min 01 s", 60 → "1 min", 42 → "42 s". */
export function formatDuration(totalSeconds: number): string {
  const seconds = Math.max(0, Math.floor(Number.isFinite(totalSeconds) ? totalSeconds : 0));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) {
    const rest = s > 0 ? ` ${pad(m)} min ${pad(s)} s` : m > 0 ? ` ${pad(m)} min` : '';
    return `${h} h${rest}`;
  }
  if (m > 0) return s > 0 ? `${m} min ${pad(s)} s` : `${m} min`;
  return `${s} s`;
}

/** A running clock: 42 → "00:00:42", 5400 → "01:30:00". */
export function formatClock(totalSeconds: number): string {
  const seconds = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(seconds / 3600);
  return `${pad(h)}:${pad(Math.floor((seconds % 3600) / 60))}:${pad(seconds % 60)}`;
}

/**
 * Seconds from a duration input's hours and minutes (an empty part counts as 0), or null
 * unless both are whole, non-negative, and the minutes under 60.
 */
export function fromHoursMinutes(hours: number | null, minutes: number | null): number | null {
  const h = hours ?? 0;
  const m = minutes ?? 0;
  if (!Number.isInteger(h) || !Number.isInteger(m) || h < 0 || m < 0 || m > 59) return null;
  return h * 3600 + m * 60;
}

/** Splits seconds into whole hours and minutes (seconds dropped), for duration inputs. */
export function toHoursMinutes(totalSeconds: number): { hours: number; minutes: number } {
  const minutes = Math.floor(Math.max(0, totalSeconds) / 60);
  return { hours: Math.floor(minutes / 60), minutes: minutes % 60 };
}
