import { describe, expect, it } from 'vitest';
import { bytesEqual } from './bytes-equal.ts';

describe('bytesEqual', () => {
  it('is true for the same bytes in different arrays', () => {
    expect(bytesEqual(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2, 3))).toBe(true);
    expect(bytesEqual(new Uint8Array(0), new Uint8Array(0))).toBe(true);
  });

  it('is false when one byte differs, wherever it is', () => {
    for (let i = 0; i < 4; i++) {
      const other = Uint8Array.of(9, 9, 9, 9);
      other[i] = 8;
      expect(bytesEqual(Uint8Array.of(9, 9, 9, 9), other)).toBe(false);
    }
  });

  it('is false when one is a prefix of the other', () => {
    expect(bytesEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 2, 3))).toBe(false);
    expect(bytesEqual(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2))).toBe(false);
  });

  it('compares views by their visible bytes only', () => {
    const buffer = Uint8Array.of(0, 1, 2, 3, 0).buffer;
    expect(bytesEqual(new Uint8Array(buffer, 1, 3), Uint8Array.of(1, 2, 3))).toBe(true);
  });
});
