import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { fromHex, toHex } from './bytes.ts';
import { addMonthsUtc, addYearsUtc } from './calendar.ts';
import { canonicalJson, toJsonValue } from './canonical-json.ts';
import {
  isPlainObject,
  parseId,
  parseInt,
  parseIsoDate,
  parsePublicKey,
  parseText,
  parseTime,
  readText,
} from './parse.ts';

describe('parsers', () => {
  it('accept only plausible epoch-ms timestamps', () => {
    expect(parseTime(Date.UTC(2026, 0, 1))).toBe(Date.UTC(2026, 0, 1));
    for (const bad of [-1, 0, 1.5, NaN, Infinity, Date.UTC(2019, 0, 1), Date.UTC(2200, 0, 1)]) {
      expect(parseTime(bad)).toBeNull();
    }
    expect(parseTime('1767600000000')).toBeNull();
    expect(parseTime(10n ** 12n)).toBeNull();
  });

  it('accept integers in range only', () => {
    expect(parseInt(5, 1, 10)).toBe(5);
    expect(parseInt(11, 1, 10)).toBeNull();
    expect(parseInt(2 ** 60, 1, 2 ** 62)).toBeNull();
  });

  it('accept real calendar dates only', () => {
    expect(parseIsoDate('2026-02-28')).toBe('2026-02-28');
    expect(parseIsoDate('2028-02-29')).toBe('2028-02-29');
    for (const bad of ['2026-02-29', '2026-13-01', '26-01-01', '2026-1-1', 20260101, null]) {
      expect(parseIsoDate(bad)).toBeNull();
    }
  });

  it('trim and bound text, clip on read', () => {
    expect(parseText('  Karim ', 10)).toBe('Karim');
    expect(parseText('   ', 10)).toBeNull();
    expect(parseText('x'.repeat(11), 10)).toBeNull();
    expect(readText('x'.repeat(11), 10)).toBe('x'.repeat(10));
    expect(readText(42, 10)).toBe('');
  });

  it('parse ids, keys and plain objects', () => {
    expect(parseId('abc_-1')).toBe('abc_-1');
    expect(parseId('a b')).toBeNull();
    expect(parseId('x'.repeat(65))).toBeNull();
    expect(parsePublicKey(new Uint8Array(32))).toHaveLength(32);
    expect(parsePublicKey(new Uint8Array(31))).toBeNull();
    expect(parsePublicKey([...new Uint8Array(32)])).toBeNull();
    expect(isPlainObject({})).toBe(true);
    expect(isPlainObject(new Y.Map())).toBe(false);
    expect(isPlainObject(new Uint8Array(1))).toBe(false);
    expect(isPlainObject([])).toBe(false);
    expect(isPlainObject(new Date())).toBe(false);
  });

  it('round-trip hex', () => {
    const bytes = new Uint8Array([0, 1, 254, 255]);
    expect(toHex(bytes)).toBe('0001feff');
    expect(fromHex('0001feff')).toEqual(bytes);
    expect(fromHex('0g')).toBeNull();
    expect(fromHex('abc')).toBeNull();
  });
});

describe('calendar', () => {
  it('adds months and years, clamping to shorter months', () => {
    expect(addMonthsUtc(Date.UTC(2026, 0, 31, 10), 1)).toBe(Date.UTC(2026, 1, 28, 10));
    expect(addMonthsUtc(Date.UTC(2026, 6, 15), 6)).toBe(Date.UTC(2027, 0, 15));
    expect(addYearsUtc(Date.UTC(2028, 1, 29), 1)).toBe(Date.UTC(2029, 1, 28));
    expect(addYearsUtc(Date.UTC(2026, 4, 1, 8, 30), 3)).toBe(Date.UTC(2029, 4, 1, 8, 30));
  });
});

describe('canonical JSON', () => {
  it('sorts keys and maps non-JSON values to fixed forms', () => {
    expect(canonicalJson(toJsonValue({ b: 1, a: [true, null], c: { z: 'x', y: 2 } }))).toBe(
      '{"a":[true,null],"b":1,"c":{"y":2,"z":"x"}}',
    );
    expect(
      canonicalJson(toJsonValue({ u: undefined, n: NaN, big: 5n, bytes: new Uint8Array([1]) })),
    ).toBe('{"big":"5n","bytes":"hex:01","n":null,"u":null}');
  });

  it('cuts hostile nesting instead of overflowing the stack', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 100_000; i++) deep = { d: deep };
    expect(() => canonicalJson(toJsonValue(deep))).not.toThrow();
  });
});
