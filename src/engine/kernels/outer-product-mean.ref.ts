/**
 * CPU side of the outer product mean kernel tests: seeded AF2-shaped parameters, an MSA mask
 * with masked sequences and residues, and z + update from the model's own reference
 * (src/model/reference/outer-product-mean.ts, Algorithm 10). No GPU imports.
 */
import type { NdArray } from '../../model/ndarray.ts';
import { type Params, type Tensor, tensor } from '../../model/reference/ops.ts';
import { outerProductMean } from '../../model/reference/outer-product-mean.ts';
import { seededArray } from './check.ts';

function f32(shape: number[], data: Float32Array): NdArray {
  return { dtype: 'float32', shape, data };
}

/** Seeded parameters at `path`: c_m MSA channels, C projection channels, c_z pair channels. */
export function randomOuterProductMeanParams(
  path: string,
  cm: number,
  C: number,
  cz: number,
  seed: number,
): Params {
  const p: Params = {};
  let s = seed;
  p[`${path}/layer_norm_input//scale`] = f32([cm], seededArray(cm, s++, 0.5, 1.5));
  p[`${path}/layer_norm_input//offset`] = f32([cm], seededArray(cm, s++, -0.3, 0.3));
  for (const side of ['left_projection', 'right_projection']) {
    const a = 1 / Math.sqrt(cm);
    p[`${path}/${side}//weights`] = f32([cm, C], seededArray(cm * C, s++, -a, a));
    p[`${path}/${side}//bias`] = f32([C], seededArray(C, s++, -0.3, 0.3));
  }
  const a = 1 / C;
  p[`${path}//output_w`] = f32([C, C, cz], seededArray(C * C * cz, s++, -a, a));
  p[`${path}//output_b`] = f32([cz], seededArray(cz, s++, -0.3, 0.3));
  return p;
}

/**
 * [N_seq, N_res] mask: the last sequence fully masked (padding), residue 1 masked in every
 * sequence but the first, and ~15 % scattered zeros outside the first sequence (which, like the
 * query, is complete, so no mask count is 0 and the 1/(1e-3 + 0) outliers do not swamp the
 * tolerance).
 */
export function maskedMsaMask(S: number, N: number, seed: number): Tensor {
  const m = tensor([S, N]);
  const r = seededArray(S * N, seed, 0, 1);
  for (let s = 0; s < S; s++) {
    for (let i = 0; i < N; i++) {
      const dead = (S > 1 && s === S - 1) || (N > 2 && i === 1 && s > 0) || (s > 0 && r[s * N + i] < 0.15);
      m.data[s * N + i] = dead ? 0 : 1;
    }
  }
  return m;
}

/** z + OuterProductMean(m, mask) in f64, [N_res, N_res, c_z] flat. */
export function outerProductMeanRef(
  z: Tensor,
  m: Tensor,
  mask: Tensor,
  params: Params,
  path: string,
): Float64Array {
  const update = outerProductMean(m, mask, params, path);
  const out = new Float64Array(z.data.length);
  for (let i = 0; i < out.length; i++) out[i] = z.data[i] + update.data[i];
  return out;
}
