/**
 * Small total parsers for values read from the shared document. A hostile or buggy peer
 * can write anything there, so readers go through these and never cast. None throws.
 */
import * as Y from 'yjs';
import {
  MAX_PLAUSIBLE_TIME_MS,
  MIN_PLAUSIBLE_TIME_MS,
  PUBLIC_KEY_BYTES,
  SIGNATURE_BYTES,
} from './limits.ts';

/** A plain object (not null, array, bytes or a Yjs type). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value) || value instanceof Uint8Array || value instanceof Y.AbstractType) {
    return false;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** A string of 1..max characters after trimming, or null. */
export function parseText(value: unknown, maxChars: number): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  if (trimmed.length === 0 || trimmed.length > maxChars) return null;
  return trimmed;
}

/** A string of at most `maxChars` (may be empty), clipped when longer; '' for non-strings. */
export function readText(value: unknown, maxChars: number): string {
  if (typeof value !== 'string') return '';
  return value.length > maxChars ? value.slice(0, maxChars) : value;
}

/** An integer in [min, max], or null. */
export function parseInt(value: unknown, min: number, max: number): number | null {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) return null;
  return value >= min && value <= max ? value : null;
}

/** Epoch milliseconds within Tandem's plausible range, or null (negative, absurd, NaN…). */
export function parseTime(value: unknown): number | null {
  return parseInt(value, MIN_PLAUSIBLE_TIME_MS, MAX_PLAUSIBLE_TIME_MS);
}

/** True if `value` is one of `options`. */
export function isOneOf<T extends string>(value: unknown, options: readonly T[]): value is T {
  return typeof value === 'string' && (options as readonly string[]).includes(value);
}

/** Bytes of exactly `length`, copied, or null. */
export function parseBytes(value: unknown, length: number): Uint8Array | null {
  if (!(value instanceof Uint8Array) || value.length !== length) return null;
  return new Uint8Array(value);
}

/** A 32-byte Ed25519 public key, or null. */
export function parsePublicKey(value: unknown): Uint8Array | null {
  return parseBytes(value, PUBLIC_KEY_BYTES);
}

/** A 64-byte Ed25519 signature, or null. */
export function parseSignature(value: unknown): Uint8Array | null {
  return parseBytes(value, SIGNATURE_BYTES);
}

const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** An identifier (bilan, row, session…): 1–64 characters of [A-Za-z0-9_-], or null. */
export function parseId(value: unknown): string | null {
  return typeof value === 'string' && ID_PATTERN.test(value) ? value : null;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar date 'YYYY-MM-DD' that exists (no 2025-02-30), or null. */
export function parseIsoDate(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const match = ISO_DATE.exec(value);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < 2000 || year > 2199) return null;
  const date = new Date(Date.UTC(year, month - 1, day));
  const sameDay =
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  return sameDay ? value : null;
}

/** A Y.Map found inside the document, or null when the value is anything else. */
export function asYMap(value: unknown): Y.Map<unknown> | null {
  return value instanceof Y.Map ? (value as Y.Map<unknown>) : null;
}
