/**
 * A JSON subset with one spelling per value: object keys sorted, non-JSON values mapped to
 * fixed forms. Used to serialise the synthesis for hashing, so both peers hash the same
 * bytes. Total: never throws, whatever a hostile peer put in the document.
 */
import * as Y from 'yjs';
import { toHex } from './bytes.ts';

export type JsonValue =
  null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Deeper values are cut (replaced by null) so hostile nesting cannot overflow the stack. */
const MAX_DEPTH = 32;

/** Maps any value to plain JSON: bytes → 'hex:…', bigint → '…n', non-finite/undefined/Yjs → null. */
export function toJsonValue(value: unknown, depth = 0): JsonValue {
  if (depth > MAX_DEPTH) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'bigint':
      return `${value.toString()}n`;
    case 'object': {
      if (value === null || value instanceof Y.AbstractType) return null;
      if (value instanceof Uint8Array) return `hex:${toHex(value)}`;
      if (Array.isArray(value)) return value.map((item) => toJsonValue(item, depth + 1));
      const out: Record<string, JsonValue> = {};
      for (const [key, item] of Object.entries(value)) out[key] = toJsonValue(item, depth + 1);
      return out;
    }
    default:
      return null;
  }
}

/** JSON text with keys sorted by code unit, no whitespace. */
export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k] ?? null)}`).join(',')}}`;
}
