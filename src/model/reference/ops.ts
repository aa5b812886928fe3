/**
 * Small dense building blocks of the CPU reference (the oracle for every GPU kernel).
 *
 * Tensors are `NdArray<Float32Array>`, row-major (last axis fastest), as numpy stores them.
 * Storage is f32; reductions (dot products, means, variances, softmax sums) accumulate in JS
 * numbers, i.e. f64. Every op returns a fresh tensor and leaves its inputs untouched.
 *
 * AF2 weight layouts (see shared/golden/README.md):
 *   plain linear        weights [c_in, c_out],       bias [c_out]
 *   multi-head in       query_w [c_in, H, C],        gating_b [H, C]
 *   multi-head out      output_w [H, C, c_out],      output_b [c_out]
 *   outer product mean  output_w [C, C, c_z]
 * `linear` handles all of them: it contracts the last `nContract` axes of x with the first
 * `nContract` axes of w, and the remaining axes of w become the trailing output axes.
 */
import { formatShape, type NdArray, sizeOf } from '../ndarray.ts';

export type Tensor = NdArray<Float32Array>;
export type Params = Record<string, NdArray>;

/** AF2 LayerNorm epsilon (haiku LayerNorm with eps 1e-5). */
export const LN_EPS = 1e-5;
/** Mask bias magnitude: masked logits get 1e9 * (mask - 1), never -inf. */
export const MASK_BIAS = 1e9;

export function tensor(shape: number[], data?: Float32Array): Tensor {
  const n = sizeOf(shape);
  if (data && data.length !== n) {
    throw new Error(`tensor: data length ${data.length} does not match shape ${formatShape(shape)}`);
  }
  return { dtype: 'float32', shape: [...shape], data: data ?? new Float32Array(n) };
}

/** Any numeric NdArray as f32 (params may be stored as f64 or f16-as-f32 by the loader). */
export function asF32(a: NdArray, what = 'array'): Tensor {
  if (a.data instanceof Float32Array) return a as Tensor;
  if (a.data instanceof Float64Array || a.data instanceof Int32Array || a.data instanceof Uint8Array) {
    return tensor(a.shape, Float32Array.from(a.data));
  }
  throw new Error(`${what}: dtype ${a.dtype} is not supported by the CPU reference (expected float32)`);
}

// ---------------------------------------------------------------------------------------------
// Parameters by AF2 key
// ---------------------------------------------------------------------------------------------

/** `<module path>//<param name>`: AF2 (haiku) keys separate module path and name by `//`. */
export function key(modulePath: string, name: string): string {
  return `${modulePath}//${name}`;
}

/** The parameter at `modulePath//name`; a missing key is an error that names it. */
export function param(params: Params, modulePath: string, name: string): Tensor {
  const k = key(modulePath, name);
  const a = params[k];
  if (!a) throw new Error(`missing parameter ${k}`);
  return asF32(a, k);
}

/**
 * Block `index` of every stacked parameter under `prefix` (keys whose module path starts with
 * `prefix`, each shaped [n_blocks, ...]): a new Record with the same keys and shapes [...]
 * (the data is a view, not a copy). Keys outside `prefix` are not included.
 */
export function blockParams(params: Params, prefix: string, index: number): Params {
  const out: Params = {};
  for (const [k, a] of Object.entries(params)) {
    if (!(k.startsWith(`${prefix}/`) || k.startsWith(`${prefix}//`))) continue;
    out[k] = stackSlice(asF32(a, k), index, k);
  }
  if (Object.keys(out).length === 0) throw new Error(`no parameters under ${prefix}`);
  return out;
}

/** The i-th slice along the leading (block) axis: [n_blocks, ...rest] -> [...rest] (a view). */
export function stackSlice(a: Tensor, index: number, what = 'stacked parameter'): Tensor {
  const n = a.shape[0];
  if (a.shape.length < 1 || !(index >= 0 && index < n)) {
    throw new Error(`${what}: block ${index} out of range for shape ${formatShape(a.shape)}`);
  }
  const rest = a.shape.slice(1);
  const size = sizeOf(rest);
  return tensor(rest, a.data.subarray(index * size, (index + 1) * size));
}

/** Number of stacked blocks under `prefix` (leading dim of its first key). */
export function blockCount(params: Params, prefix: string): number {
  for (const [k, a] of Object.entries(params)) {
    if (k.startsWith(`${prefix}/`)) return a.shape[0];
  }
  throw new Error(`no parameters under ${prefix}`);
}

// ---------------------------------------------------------------------------------------------
// Linear layers
// ---------------------------------------------------------------------------------------------

/**
 * y[..., o...] = sum_k x[..., k...] w[k..., o...] + b[o...]
 * contracting the last `nContract` axes of x with the first `nContract` axes of w.
 *   plain:            x [..., c_in],   w [c_in, c_out]    -> [..., c_out]
 *   multi-head in:    x [..., c_in],   w [c_in, H, C]     -> [..., H, C]
 *   multi-head out:   x [..., H, C],   w [H, C, c_out]    -> [..., c_out]   (nContract = 2)
 */
export function linear(x: Tensor, w: Tensor, b?: Tensor, nContract = 1): Tensor {
  const xIn = x.shape.slice(x.shape.length - nContract);
  const wIn = w.shape.slice(0, nContract);
  if (xIn.length !== nContract || xIn.some((d, i) => d !== wIn[i])) {
    throw new Error(
      `linear: input ${formatShape(x.shape)} does not match weights ${formatShape(w.shape)} on ${nContract} axes`,
    );
  }
  const outDims = w.shape.slice(nContract);
  const cIn = sizeOf(wIn);
  const cOut = sizeOf(outDims);
  if (b && b.data.length !== cOut) {
    throw new Error(`linear: bias ${formatShape(b.shape)} does not match output ${formatShape(outDims)}`);
  }
  const rows = x.data.length / cIn;
  const y = tensor([...x.shape.slice(0, x.shape.length - nContract), ...outDims]);
  const xd = x.data;
  const yd = y.data;
  const bd = b?.data;
  // [c_out, c_in] transposed weights, so every output is a contiguous dot product
  const wt = new Float32Array(cIn * cOut);
  for (let k = 0; k < cIn; k++) for (let o = 0; o < cOut; o++) wt[o * cIn + k] = w.data[k * cOut + o];
  // Four input rows per pass share each weight load; sums are JS numbers (f64).
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const x0 = r * cIn;
    const x1 = x0 + cIn;
    const x2 = x1 + cIn;
    const x3 = x2 + cIn;
    for (let o = 0; o < cOut; o++) {
      const wo = o * cIn;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let k = 0; k < cIn; k++) {
        const wv = wt[wo + k];
        s0 += xd[x0 + k] * wv;
        s1 += xd[x1 + k] * wv;
        s2 += xd[x2 + k] * wv;
        s3 += xd[x3 + k] * wv;
      }
      const bias = bd ? bd[o] : 0;
      yd[r * cOut + o] = s0 + bias;
      yd[(r + 1) * cOut + o] = s1 + bias;
      yd[(r + 2) * cOut + o] = s2 + bias;
      yd[(r + 3) * cOut + o] = s3 + bias;
    }
  }
  for (; r < rows; r++) {
    const x0 = r * cIn;
    for (let o = 0; o < cOut; o++) {
      const wo = o * cIn;
      let s = 0;
      for (let k = 0; k < cIn; k++) s += xd[x0 + k] * wt[wo + k];
      yd[r * cOut + o] = s + (bd ? bd[o] : 0);
    }
  }
  return y;
}

/** AF2 `Linear` by module path: `modulePath//weights` and `modulePath//bias` (bias optional). */
export function linearByKey(x: Tensor, params: Params, modulePath: string, withBias = true): Tensor {
  const w = param(params, modulePath, 'weights');
  const b = withBias ? param(params, modulePath, 'bias') : undefined;
  return linear(x, w, b);
}

// ---------------------------------------------------------------------------------------------
// Normalisation and pointwise
// ---------------------------------------------------------------------------------------------

/** LayerNorm over the last axis: (x - mean) / sqrt(var + eps) * scale + offset. */
export function layerNorm(x: Tensor, scale: Tensor, offset: Tensor, eps = LN_EPS): Tensor {
  const c = x.shape[x.shape.length - 1];
  if (scale.data.length !== c || offset.data.length !== c) {
    throw new Error(
      `layerNorm: scale ${formatShape(scale.shape)} / offset ${formatShape(offset.shape)} vs input ${formatShape(x.shape)}`,
    );
  }
  const y = tensor(x.shape);
  const xd = x.data;
  const yd = y.data;
  const g = scale.data;
  const bt = offset.data;
  const rows = xd.length / c;
  for (let r = 0; r < rows; r++) {
    const o = r * c;
    let mean = 0;
    for (let k = 0; k < c; k++) mean += xd[o + k];
    mean /= c;
    let v = 0;
    for (let k = 0; k < c; k++) {
      const d = xd[o + k] - mean;
      v += d * d;
    }
    const inv = 1 / Math.sqrt(v / c + eps);
    for (let k = 0; k < c; k++) yd[o + k] = (xd[o + k] - mean) * inv * g[k] + bt[k];
  }
  return y;
}

/** AF2 LayerNorm by module path: `modulePath//scale`, `modulePath//offset`. */
export function layerNormByKey(x: Tensor, params: Params, modulePath: string, eps = LN_EPS): Tensor {
  return layerNorm(x, param(params, modulePath, 'scale'), param(params, modulePath, 'offset'), eps);
}

export function relu(x: Tensor): Tensor {
  const y = tensor(x.shape);
  for (let i = 0; i < x.data.length; i++) y.data[i] = Math.max(x.data[i], 0);
  return y;
}

export function sigmoidScalar(v: number): number {
  return 1 / (1 + Math.exp(-v));
}

export function sigmoid(x: Tensor): Tensor {
  const y = tensor(x.shape);
  for (let i = 0; i < x.data.length; i++) y.data[i] = sigmoidScalar(x.data[i]);
  return y;
}

/** Numerically stable softmax over the last axis. */
export function softmax(x: Tensor): Tensor {
  const y = tensor(x.shape, x.data.slice());
  softmaxRowsInPlace(y.data, x.shape[x.shape.length - 1]);
  return y;
}

/** Softmax over consecutive rows of length n of a flat buffer, in place (f64 sums). */
export function softmaxRowsInPlace(d: Float32Array | Float64Array, n: number, offset = 0, rows = -1): void {
  const count = rows < 0 ? (d.length - offset) / n : rows;
  for (let r = 0; r < count; r++) {
    const o = offset + r * n;
    let max = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < n; k++) if (d[o + k] > max) max = d[o + k];
    let sum = 0;
    for (let k = 0; k < n; k++) {
      const e = Math.exp(d[o + k] - max);
      d[o + k] = e;
      sum += e;
    }
    const inv = 1 / sum;
    for (let k = 0; k < n; k++) d[o + k] *= inv;
  }
}

/** a + b, elementwise, same shape (residual adds). */
export function add(a: Tensor, b: Tensor): Tensor {
  if (a.data.length !== b.data.length) {
    throw new Error(`add: shapes ${formatShape(a.shape)} and ${formatShape(b.shape)} differ`);
  }
  const y = tensor(a.shape);
  for (let i = 0; i < a.data.length; i++) y.data[i] = a.data[i] + b.data[i];
  return y;
}

/** a * b, elementwise, same shape. */
export function mul(a: Tensor, b: Tensor): Tensor {
  if (a.data.length !== b.data.length) {
    throw new Error(`mul: shapes ${formatShape(a.shape)} and ${formatShape(b.shape)} differ`);
  }
  const y = tensor(a.shape);
  for (let i = 0; i < a.data.length; i++) y.data[i] = a.data[i] * b.data[i];
  return y;
}

/** Swap the first two axes: [A, B, ...rest] -> [B, A, ...rest] (e.g. z_ij -> z_ji). */
export function swapLeadingAxes(x: Tensor): Tensor {
  const [a, b] = x.shape;
  const rest = x.shape.slice(2);
  const inner = sizeOf(rest);
  const y = tensor([b, a, ...rest]);
  for (let i = 0; i < a; i++) {
    for (let j = 0; j < b; j++) {
      const src = (i * b + j) * inner;
      const dst = (j * a + i) * inner;
      for (let c = 0; c < inner; c++) y.data[dst + c] = x.data[src + c];
    }
  }
  return y;
}
