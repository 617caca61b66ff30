import { describe, expect, it } from 'vitest';
import { isOrderKey, keyBetween, keysAfter } from './fractional-index.ts';
import { seededRandom } from './test-support.ts';

describe('fractional order keys', () => {
  it('always fall strictly between their neighbours', () => {
    const random = seededRandom(7);
    const keys: string[] = [keyBetween(null, null, random)];
    for (let i = 0; i < 2000; i++) {
      const at = Math.floor(random() * (keys.length + 1));
      const key = keyBetween(keys[at - 1] ?? null, keys[at] ?? null, random);
      expect(isOrderKey(key)).toBe(true);
      if (at > 0) expect(key > keys[at - 1]!).toBe(true);
      if (at < keys.length) expect(key < keys[at]!).toBe(true);
      keys.splice(at, 0, key);
    }
    expect([...keys].sort()).toEqual(keys);
  });

  it('stay short when appending one by one', () => {
    const keys = keysAfter(null, 500, seededRandom(1));
    expect(keys[keys.length - 1]!.length).toBeLessThanOrEqual(60);
    expect([...keys].sort()).toEqual(keys);
  });

  it('handle adjacent digits and the extremes', () => {
    expect(keyBetween('1', '2') > '1').toBe(true);
    expect(keyBetween('1', '2') < '2').toBe(true);
    expect(keyBetween(null, '01') < '01').toBe(true);
    expect(keyBetween('zzz', null) > 'zzz').toBe(true);
  });

  it('reject malformed or out-of-order input', () => {
    expect(isOrderKey('a0')).toBe(false);
    expect(isOrderKey('')).toBe(false);
    expect(isOrderKey('a-b')).toBe(false);
    expect(isOrderKey('V'.repeat(129))).toBe(false);
    expect(() => keyBetween('b', 'a')).toThrow(RangeError);
    expect(() => keyBetween('a', 'a')).toThrow(RangeError);
    expect(() => keyBetween('a0', null)).toThrow(RangeError);
  });
});
