/** Calendar arithmetic in UTC, clamping to the end of shorter months (29 Feb + 1 y → 28 Feb). */

export function addMonthsUtc(epochMs: number, months: number): number {
  const date = new Date(epochMs);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return Date.UTC(
    year,
    month,
    Math.min(date.getUTCDate(), lastDay),
    date.getUTCHours(),
    date.getUTCMinutes(),
    date.getUTCSeconds(),
    date.getUTCMilliseconds(),
  );
}

export function addYearsUtc(epochMs: number, years: number): number {
  return addMonthsUtc(epochMs, 12 * years);
}
