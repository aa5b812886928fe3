import { describe, expect, it } from 'vitest';
import {
  PAE_RAMP,
  PLDDT_BANDS,
  paeColor,
  paeImagePixels,
  plddtBand,
  plddtBandFractions,
  rgbCss,
} from './colors.ts';

describe('pLDDT bands (AFDB colours, Mol* boundaries)', () => {
  it('has the AlphaFold Database colours, highest band first', () => {
    expect(PLDDT_BANDS.map((b) => [b.label, b.color])).toEqual([
      ['Very high', '#0053D6'],
      ['Confident', '#65CBF3'],
      ['Low', '#FFDB13'],
      ['Very low', '#FF7D45'],
    ]);
  });

  it('puts boundary values where Mol*’s plddt-confidence theme does (≤ 50, ≤ 70, ≤ 90)', () => {
    expect(plddtBand(0).id).toBe('very-low');
    expect(plddtBand(50).id).toBe('very-low');
    expect(plddtBand(50.01).id).toBe('low');
    expect(plddtBand(70).id).toBe('low');
    expect(plddtBand(70.5).id).toBe('confident');
    expect(plddtBand(90).id).toBe('confident');
    expect(plddtBand(90.01).id).toBe('very-high');
    expect(plddtBand(100).id).toBe('very-high');
  });

  it('counts residues per band', () => {
    const f = plddtBandFractions(Float32Array.from([95, 91, 80, 60, 10]));
    expect(f.map((x) => x.count)).toEqual([2, 1, 1, 1]);
    expect(f[0].fraction).toBeCloseTo(0.4);
    expect(plddtBandFractions([]).every((x) => x.count === 0 && x.fraction === 0)).toBe(true);
  });
});

describe('PAE colour scale', () => {
  it('runs from dark green at 0 Å to white at the maximum', () => {
    expect(paeColor(0, 31.75)).toEqual(PAE_RAMP[0]);
    expect(paeColor(31.75, 31.75)).toEqual([255, 255, 255]);
    expect(rgbCss(paeColor(0, 31.75))).toBe('rgb(0, 68, 27)');
  });

  it('clamps out-of-range values and shows NaN as the maximum', () => {
    expect(paeColor(-3, 30)).toEqual(PAE_RAMP[0]);
    expect(paeColor(99, 30)).toEqual([255, 255, 255]);
    expect(paeColor(Number.NaN, 30)).toEqual([255, 255, 255]);
  });

  it('gets lighter as the error grows (monotone luminance)', () => {
    let last = -1;
    for (let v = 0; v <= 31.75; v += 0.25) {
      const [r, g, b] = paeColor(v, 31.75);
      const lum = 0.2126 * r + 0.7152 * g + 0.0722 * b;
      expect(lum).toBeGreaterThanOrEqual(last);
      last = lum;
    }
  });

  it('interpolates between ramp stops', () => {
    const mid = paeColor(31.75 / 16, 31.75); // halfway between stops 0 and 1
    expect(mid).toEqual([0, Math.round((0x44 + 0x6d) / 2), Math.round((0x1b + 0x2c) / 2)]);
  });

  it('lays pixels out row = aligned residue, column = scored residue', () => {
    const pae = Float32Array.from([0, 31.75, 31.75, 0]); // [2, 2]
    const px = paeImagePixels(pae, 2, 31.75);
    expect(px.length).toBe(16);
    expect(Array.from(px.slice(0, 4))).toEqual([...PAE_RAMP[0], 255]);
    expect(Array.from(px.slice(4, 8))).toEqual([255, 255, 255, 255]);
    expect(() => paeImagePixels(pae, 3, 31.75)).toThrow(/expected 9/);
  });
});
