/**
 * Colour scales of the results view, as the AlphaFold Database draws them.
 *
 * pLDDT bands use Mol*'s `plddt-confidence` boundaries (≤ 50 very low, ≤ 70 low, ≤ 90 confident,
 * above very high), so the plot, the legend and the 3D cartoon always agree on a residue.
 * PAE uses a green ramp (matplotlib/ColorBrewer "Greens", reversed, as ColabFold plots it and as
 * the AFDB's PAE viewer looks): dark green for low expected error → white for the maximum.
 */

export type PlddtBandId = 'very-high' | 'confident' | 'low' | 'very-low';

export interface PlddtBand {
  id: PlddtBandId;
  label: string;
  /** AFDB legend text */
  range: string;
  color: string;
  /** lower bound (exclusive, except very low from 0) and upper bound (inclusive) */
  min: number;
  max: number;
}

/** Highest band first, as the AFDB legend lists them. */
export const PLDDT_BANDS: readonly PlddtBand[] = [
  { id: 'very-high', label: 'Very high', range: 'pLDDT > 90', color: '#0053D6', min: 90, max: 100 },
  { id: 'confident', label: 'Confident', range: '90 ≥ pLDDT > 70', color: '#65CBF3', min: 70, max: 90 },
  { id: 'low', label: 'Low', range: '70 ≥ pLDDT > 50', color: '#FFDB13', min: 50, max: 70 },
  { id: 'very-low', label: 'Very low', range: 'pLDDT ≤ 50', color: '#FF7D45', min: 0, max: 50 },
];

/** The band of a pLDDT value (0–100), with Mol*'s boundaries. */
export function plddtBand(plddt: number): PlddtBand {
  if (plddt > 90) return PLDDT_BANDS[0];
  if (plddt > 70) return PLDDT_BANDS[1];
  if (plddt > 50) return PLDDT_BANDS[2];
  return PLDDT_BANDS[3];
}

/** Residues per band, highest band first (fractions of all residues). */
export function plddtBandFractions(
  plddt: ArrayLike<number>,
): { band: PlddtBand; count: number; fraction: number }[] {
  const counts = new Map<PlddtBandId, number>();
  for (let i = 0; i < plddt.length; i++) {
    const id = plddtBand(plddt[i]).id;
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return PLDDT_BANDS.map((band) => {
    const count = counts.get(band.id) ?? 0;
    return { band, count, fraction: plddt.length ? count / plddt.length : 0 };
  });
}

export type Rgb = readonly [number, number, number];

/** ColorBrewer Greens (9 classes), darkest first: the PAE ramp from 0 Å to the maximum. */
export const PAE_RAMP: readonly Rgb[] = [
  [0x00, 0x44, 0x1b],
  [0x00, 0x6d, 0x2c],
  [0x23, 0x8b, 0x45],
  [0x41, 0xab, 0x5d],
  [0x74, 0xc4, 0x76],
  [0xa1, 0xd9, 0x9b],
  [0xc7, 0xe9, 0xc0],
  [0xe5, 0xf5, 0xe0],
  [0xff, 0xff, 0xff],
];

/** Colour of a PAE value on the 0–maxPae ramp (values outside are clamped; NaN → max). */
export function paeColor(pae: number, maxPae: number): Rgb {
  const t = Number.isFinite(pae) && maxPae > 0 ? Math.min(1, Math.max(0, pae / maxPae)) : 1;
  const x = t * (PAE_RAMP.length - 1);
  const k = Math.min(PAE_RAMP.length - 2, Math.floor(x));
  const f = x - k;
  const a = PAE_RAMP[k];
  const b = PAE_RAMP[k + 1];
  return [
    Math.round(a[0] + (b[0] - a[0]) * f),
    Math.round(a[1] + (b[1] - a[1]) * f),
    Math.round(a[2] + (b[2] - a[2]) * f),
  ];
}

export function rgbCss([r, g, b]: Rgb): string {
  return `rgb(${r}, ${g}, ${b})`;
}

/**
 * RGBA pixels of an N×N PAE matrix, one pixel per residue pair: row i (aligned residue, y) and
 * column j (scored residue, x), the layout of `pae` itself ([N_res, N_res], j fastest).
 */
export function paeImagePixels(pae: ArrayLike<number>, nRes: number, maxPae: number): Uint8ClampedArray {
  if (pae.length !== nRes * nRes) {
    throw new Error(
      `pae has length ${pae.length}, expected ${nRes * nRes} = [N_res, N_res] with N_res = ${nRes}`,
    );
  }
  const out = new Uint8ClampedArray(nRes * nRes * 4); // [N_res, N_res, RGBA]
  for (let k = 0; k < nRes * nRes; k++) {
    const [r, g, b] = paeColor(pae[k], maxPae);
    out[k * 4] = r;
    out[k * 4 + 1] = g;
    out[k * 4 + 2] = b;
    out[k * 4 + 3] = 255;
  }
  return out;
}
