/**
 * CPU side of the triangle multiplication kernel tests: seeded AF2-shaped parameters and the
 * reference result z + update, computed by the model's own reference
 * (src/model/reference/triangle-multiplication.ts, Algorithms 11/12). No GPU imports.
 */
import type { NdArray } from '../../model/ndarray.ts';
import { type Params, type Tensor, tensor } from '../../model/reference/ops.ts';
import {
  type TriangleMultiplicationOrientation,
  triangleMultiplication,
} from '../../model/reference/triangle-multiplication.ts';
import { seededArray } from './check.ts';

function f32(shape: number[], data: Float32Array): NdArray {
  return { dtype: 'float32', shape, data };
}

/** Seeded parameters for a triangle multiplication at `path`: c_z pair channels, c projection channels. */
export function randomTriangleMultiplicationParams(
  path: string,
  cz: number,
  c: number,
  seed: number,
): Params {
  const p: Params = {};
  let s = seed;
  const next = () => s++;
  const ln = (name: string, n: number) => {
    p[`${path}/${name}//scale`] = f32([n], seededArray(n, next(), 0.5, 1.5));
    p[`${path}/${name}//offset`] = f32([n], seededArray(n, next(), -0.3, 0.3));
  };
  const lin = (name: string, cin: number, cout: number) => {
    const a = 1 / Math.sqrt(cin);
    p[`${path}/${name}//weights`] = f32([cin, cout], seededArray(cin * cout, next(), -a, a));
    p[`${path}/${name}//bias`] = f32([cout], seededArray(cout, next(), -0.3, 0.3));
  };
  ln('layer_norm_input', cz);
  for (const q of ['left_projection', 'left_gate', 'right_projection', 'right_gate']) lin(q, cz, c);
  ln('center_layer_norm', c);
  lin('output_projection', c, cz);
  lin('gating_linear', cz, cz);
  return p;
}

/**
 * A pair mask with whole masked rows and columns (residues that are padding) plus scattered
 * zeros, so both the projection mask and its effect on the triangle sums are exercised.
 */
export function maskedPairMask(N: number, seed: number): Tensor {
  const m = tensor([N, N]);
  const r = seededArray(N * N, seed, 0, 1);
  const deadRow = N > 2 ? N - 2 : -1;
  const deadCol = N > 4 ? 1 : -1;
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < N; j++) {
      m.data[i * N + j] = i === deadRow || j === deadCol || r[i * N + j] < 0.1 ? 0 : 1;
    }
  }
  return m;
}

/** z + TriangleMultiplication(z, mask) in f64, [N, N, c_z] flat. */
export function triangleMultiplicationRef(
  z: Tensor,
  mask: Tensor,
  params: Params,
  orientation: TriangleMultiplicationOrientation,
  path: string,
): Float64Array {
  const update = triangleMultiplication(z, mask, params, orientation, path);
  const out = new Float64Array(z.data.length);
  for (let i = 0; i < out.length; i++) out[i] = z.data[i] + update.data[i];
  return out;
}
