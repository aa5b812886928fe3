/**
 * CPU reference of shaders/layernorm.wgsl (plain TypeScript, f64): LayerNorm over the last axis,
 *   y[r, c] = (x[r, c] − mean_r) / sqrt(var_r + eps) · scale[c] + offset[c],  eps = 1e-5 (AF2).
 */

/** AlphaFold2's LayerNorm epsilon. */
export const AF2_LAYERNORM_EPS = 1e-5;

export interface LayerNormDims {
  rows: number;
  /** Channels (the normalised, fastest axis). */
  C: number;
  /** Default 1e-5. */
  eps?: number;
  /**
   * Row r of x starts at element offset + ⌊r / groupRows⌋ · groupStride + (r mod groupRows) · C:
   * groups of contiguous rows (default: one group, x dense from element 0). y is always dense.
   */
  groupRows?: number;
  groupStride?: number;
  offset?: number;
}

export type ResolvedLayerNormDims = Required<LayerNormDims>;

export function resolveLayerNormDims(d: LayerNormDims): ResolvedLayerNormDims {
  const groupRows = d.groupRows ?? Math.max(1, d.rows);
  const r = {
    rows: d.rows,
    C: d.C,
    eps: d.eps ?? AF2_LAYERNORM_EPS,
    groupRows,
    groupStride: d.groupStride ?? groupRows * d.C,
    offset: d.offset ?? 0,
  };
  if (!(Number.isInteger(groupRows) && groupRows >= 1))
    throw new RangeError(`layernorm: groupRows ${groupRows}`);
  if (!Number.isInteger(r.rows) || r.rows < 0 || !Number.isInteger(r.C) || r.C < 1) {
    throw new RangeError(`layernorm: bad sizes rows=${r.rows} C=${r.C}`);
  }
  if (r.rows * r.C > 0xffffffff) throw new RangeError(`layernorm: rows·C = ${r.rows * r.C} exceeds u32`);
  return r;
}

/** Reference result in f64, [rows, C]. */
export function layerNormRef(
  dims: LayerNormDims,
  x: ArrayLike<number>,
  scale: ArrayLike<number>,
  offset: ArrayLike<number>,
): Float64Array {
  const { rows, C, eps, groupRows, groupStride, offset: at } = resolveLayerNormDims(dims);
  const y = new Float64Array(rows * C);
  for (let r = 0; r < rows; r++) {
    const xb = at + Math.floor(r / groupRows) * groupStride + (r % groupRows) * C;
    let s = 0;
    for (let c = 0; c < C; c++) s += x[xb + c];
    const mean = s / C;
    let q = 0;
    for (let c = 0; c < C; c++) q += (x[xb + c] - mean) ** 2;
    const inv = 1 / Math.sqrt(q / C + eps);
    for (let c = 0; c < C; c++) y[r * C + c] = (x[xb + c] - mean) * inv * scale[c] + offset[c];
  }
  return y;
}
