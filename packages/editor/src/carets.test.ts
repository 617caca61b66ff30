import { describe, expect, it } from 'vitest';
import { isHexColor, readableTextColor } from './carets.ts';

describe('readableTextColor', () => {
  it('puts white on dark colours and black on light ones', () => {
    expect(readableTextColor('#1d4ed8')).toBe('#ffffff');
    expect(readableTextColor('#000000')).toBe('#ffffff');
    expect(readableTextColor('#fde68a')).toBe('#000000');
    expect(readableTextColor('#ffffff')).toBe('#000000');
  });

  it('falls back to black for anything that is not #rrggbb', () => {
    expect(isHexColor('red')).toBe(false);
    expect(readableTextColor('url(x)')).toBe('#000000');
  });
});
