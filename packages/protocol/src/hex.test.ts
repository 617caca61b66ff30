import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from './hex.ts';

describe('hex', () => {
  it('writes every byte as two lower-case digits and reads them back', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const hex = toHex(all);
    expect(hex.slice(0, 6)).toBe('000102');
    expect(hex.slice(-4)).toBe('feff');
    expect(hex).toBe(Buffer.from(all).toString('hex'));
    expect(fromHex(hex)).toEqual(all);
    expect(toHex(new Uint8Array(0))).toBe('');
  });

  it.each(['0', 'ABCD', '0g', ' 00', '00 '])('refuses %j', (text) => {
    expect(fromHex(text)).toBeNull();
  });
});
