import { describe, expect, it } from 'vitest';
import { floatToHalfBits as halfBits, halfBitsToFloat as halfValue } from './f16.ts';

describe('binary16 conversion', () => {
  it('converts exactly representable values both ways', () => {
    const cases: [number, number][] = [
      [0, 0x0000],
      [1, 0x3c00],
      [-2, 0xc000],
      [0.5, 0x3800],
      [65504, 0x7bff],
      [2 ** -14, 0x0400],
      [2 ** -24, 0x0001],
      [-(2 ** -24) * 3, 0x8003],
    ];
    for (const [x, h] of cases) {
      expect(halfBits(x), String(x)).toBe(h);
      expect(halfValue(h), String(h)).toBe(x);
    }
  });

  it('rounds to nearest, ties to even, and overflows to infinity', () => {
    // 1 + 2^-11 is halfway between 1 and 1 + 2^-10: ties to the even mantissa (1)
    expect(halfValue(halfBits(1 + 2 ** -11))).toBe(1);
    // 1 + 3·2^-11 is halfway between 1 + 2^-10 and 1 + 2^-9: ties to even (1 + 2^-9)
    expect(halfValue(halfBits(1 + 3 * 2 ** -11))).toBe(1 + 2 ** -9);
    expect(halfValue(halfBits(1 + 2 ** -11 + 2 ** -20))).toBe(1 + 2 ** -10);
    expect(halfValue(halfBits(65520))).toBe(Number.POSITIVE_INFINITY);
    expect(halfValue(halfBits(65519))).toBe(65504);
    expect(Number.isNaN(halfValue(halfBits(Number.NaN)))).toBe(true);
    expect(halfValue(halfBits(2 ** -26))).toBe(0);
  });

  it('keeps every value within half an ulp (2^-11 relative) in the normal range', () => {
    for (let i = 0; i < 2000; i++) {
      const x = (i - 1000) * 0.731 + 0.0137;
      const r = halfValue(halfBits(x));
      expect(Math.abs(r - x)).toBeLessThanOrEqual(Math.abs(x) * 2 ** -11 + 2 ** -25);
    }
  });
});
