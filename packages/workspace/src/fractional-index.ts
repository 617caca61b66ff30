/**
 * Fractional order keys: strings that sort between any two others, so moving a row writes
 * one key on that row only (no renumbering of the others, nothing lost to a concurrent edit).
 *
 * A key is a base-62 fraction 0.d₁d₂… written as its digits, never ending in '0' (so every
 * fraction has one spelling). Digits are in ASCII order, so string order is numeric order.
 * The midpoint digit is chosen at random inside the gap: two devices inserting at the same
 * place at the same time almost always get different keys (ties are broken by row id).
 */
import { MAX_ORDER_KEY_CHARS } from './limits.ts';

export const ORDER_DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const BASE = ORDER_DIGITS.length;
/** Largest digit step when appending. */
const APPEND_STEP = 6;
const KEY_PATTERN = /^[0-9A-Za-z]*[1-9A-Za-z]$/;

/** True if `key` is a well-formed order key (and not absurdly long). */
export function isOrderKey(key: unknown): key is string {
  return typeof key === 'string' && key.length <= MAX_ORDER_KEY_CHARS && KEY_PATTERN.test(key);
}

/**
 * A key strictly between `before` and `after` (null = open end). Throws only on programmer
 * error (malformed keys or before ≥ after); callers pass keys read through `isOrderKey`.
 */
export function keyBetween(
  before: string | null,
  after: string | null,
  random: () => number = Math.random,
): string {
  if (before !== null && !isOrderKey(before)) throw new RangeError('malformed order key');
  if (after !== null && !isOrderKey(after)) throw new RangeError('malformed order key');
  if (before !== null && after !== null && before >= after) {
    throw new RangeError('order keys out of order');
  }
  return midpoint(before ?? '', after, random);
}

function digit(key: string, index: number): number {
  const char = key[index];
  return char === undefined ? 0 : ORDER_DIGITS.indexOf(char);
}

// `low` < `high` as fractions; `high` null means 1. Returns a key strictly between.
function midpoint(low: string, high: string | null, random: () => number): string {
  let prefix = '';
  for (let i = 0; ; i++) {
    const lowDigit = digit(low, i);
    const highDigit = high === null ? BASE : i < high.length ? digit(high, i) : 0;
    if (lowDigit === highDigit) {
      prefix += ORDER_DIGITS[lowDigit];
      continue;
    }
    if (highDigit - lowDigit > 1) {
      // Room for a digit strictly between: pick one at random. Appending (no upper bound)
      // takes a small step, so keys grow slowly when rows are added at the end one by one.
      const gap = highDigit - lowDigit - 1;
      const span = high === null ? Math.min(gap, APPEND_STEP) : gap;
      const pick = lowDigit + 1 + Math.min(span - 1, Math.floor(random() * span));
      return prefix + ORDER_DIGITS[pick];
    }
    // Adjacent digits: keep low's digit and find room above the rest of low.
    return prefix + ORDER_DIGITS[lowDigit] + midpoint(low.slice(i + 1), null, random);
  }
}

/** `count` keys in increasing order after `before` (used to re-key rows with garbage keys). */
export function keysAfter(before: string | null, count: number, random?: () => number): string[] {
  const keys: string[] = [];
  let previous = before;
  for (let i = 0; i < count; i++) {
    previous = keyBetween(previous, null, random);
    keys.push(previous);
  }
  return keys;
}
