/**
 * CPU reference and addressing of shaders/global_attention.wgsl, the core of AF2 supplement
 * Alg. 19 (MSAColumnGlobalAttention), lines 2–7, on already projected inputs:
 *
 *   qm[b,h]      = scale · Σ_s mask[b,s] q[b,s,h] / (Σ_s mask[b,s] + eps)   (masked mean query)
 *   a[b,h,s]     = softmax_s(qm[b,h]·k[b,s] + 1e9 (mask[b,s] − 1))          (one key head)
 *   out[b,s,h,:] = sigmoid(g[b,s,h,:]) ⊙ Σ_s' a[b,h,s'] v[b,s',:]           (one value head)
 *
 * q is the per-sequence query projection: mean and projection commute, so this equals AF2's
 * projection of the mean (src/model/reference/msa-column-global-attention.ts) up to rounding.
 * f64 throughout. No GPU, no node: imports.
 */
import { ATTENTION_MASK_BIAS, MAX_HEAD_DIM, type MaskView, type RowView } from './attention.ref.ts';

/** AF2's masked-mean epsilon (`utils.mask_mean`); OpenFold uses 1e-8. */
export const GLOBAL_ATTENTION_EPS = 1e-10;

export interface GlobalAttentionDims {
  /** Residue columns. */
  batch: number;
  /** Sequences per column. */
  seqs: number;
  heads: number;
  /** Channels per head of q and g, and of the single k and v head; 1 … 32. */
  headDim: number;
  /** Defaults: contiguous [batch, seqs, heads, headDim]; k, v: [batch, seqs, headDim] (strideH unused). */
  q?: RowView;
  k?: RowView;
  v?: RowView;
  gate?: RowView;
  out?: RowView;
  /** Default contiguous [batch, seqs]. */
  mask?: MaskView;
  scale?: number;
  eps?: number;
}

export type ResolvedGlobalAttentionDims = Required<GlobalAttentionDims>;

function checkInt(name: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min)
    throw new RangeError(`global attention: ${name} = ${v} is not an integer ≥ ${min}`);
}

export function resolveGlobalAttentionDims(d: GlobalAttentionDims): ResolvedGlobalAttentionDims {
  checkInt('batch', d.batch, 0);
  checkInt('seqs', d.seqs, 0);
  checkInt('heads', d.heads, 1);
  checkInt('headDim', d.headDim, 1);
  if (d.headDim > MAX_HEAD_DIM)
    throw new RangeError(`global attention: headDim ${d.headDim} exceeds ${MAX_HEAD_DIM}`);
  const { seqs: S, heads: H, headDim: D } = d;
  const rows: RowView = { offset: 0, strideB: S * H * D, strideL: H * D, strideH: D };
  const kv: RowView = { offset: 0, strideB: S * D, strideL: D, strideH: 0 };
  const r: ResolvedGlobalAttentionDims = {
    ...d,
    q: d.q ?? rows,
    k: d.k ?? kv,
    v: d.v ?? d.k ?? kv,
    gate: d.gate ?? d.q ?? rows,
    out: d.out ?? rows,
    mask: d.mask ?? { offset: 0, strideB: S, strideK: 1 },
    scale: d.scale ?? 1 / Math.sqrt(D),
    eps: d.eps ?? GLOBAL_ATTENTION_EPS,
  };
  for (const v of [r.q, r.k, r.v, r.gate, r.out, r.mask] as unknown as Record<string, number>[])
    for (const [k, x] of Object.entries(v)) checkInt(k, x, 0);
  for (const [name, n] of Object.entries(globalViewLengths(r)))
    if (n > 0xffffffff) throw new RangeError(`global attention: ${name} spans ${n} elements, beyond u32`);
  return r;
}

/** Elements each buffer must hold for these views. */
export function globalViewLengths(
  d: ResolvedGlobalAttentionDims,
): Record<'q' | 'k' | 'v' | 'gate' | 'out' | 'mask', number> {
  const { batch: B, seqs: S, heads: H, headDim: D } = d;
  const span = (v: RowView, heads: number) =>
    B === 0 || S === 0
      ? 0
      : v.offset + (B - 1) * v.strideB + (S - 1) * v.strideL + (heads - 1) * v.strideH + D;
  return {
    q: span(d.q, H),
    k: span(d.k, 1),
    v: span(d.v, 1),
    gate: span(d.gate, H),
    out: span(d.out, H),
    mask: B === 0 || S === 0 ? 0 : d.mask.offset + (B - 1) * d.mask.strideB + (S - 1) * d.mask.strideK + 1,
  };
}

/** Views of Alg. 19 over the extra MSA's natural layout: projections [N_seq, N_res, (H,) C],
 * mask [N_seq, N_res]; batch = residues, attend over sequences, output [N_seq, N_res, H, C]. */
export function msaColumnGlobalLayout(
  nSeq: number,
  nRes: number,
  heads: number,
  headDim: number,
): GlobalAttentionDims {
  const rows: RowView = {
    offset: 0,
    strideB: heads * headDim,
    strideL: nRes * heads * headDim,
    strideH: headDim,
  };
  const kv: RowView = { offset: 0, strideB: headDim, strideL: nRes * headDim, strideH: 0 };
  return {
    batch: nRes,
    seqs: nSeq,
    heads,
    headDim,
    q: rows,
    k: kv,
    v: kv,
    gate: rows,
    out: rows,
    mask: { offset: 0, strideB: 1, strideK: nRes },
  };
}

export interface GlobalAttentionInputs {
  q: ArrayLike<number>;
  k: ArrayLike<number>;
  v: ArrayLike<number>;
  gate?: ArrayLike<number>;
  mask: ArrayLike<number>;
}

/** Reference result (f64) at the out view's positions of a copy of `out0` (or zeros). */
export function globalAttentionRef(
  dims: GlobalAttentionDims,
  x: GlobalAttentionInputs,
  out0?: ArrayLike<number>,
): Float64Array {
  const d = resolveGlobalAttentionDims(dims);
  const { batch: B, seqs: S, heads: H, headDim: D } = d;
  const out = new Float64Array(out0 ? out0.length : globalViewLengths(d).out);
  if (out0) for (let i = 0; i < out0.length; i++) out[i] = out0[i];
  const qm = new Float64Array(D);
  const logits = new Float64Array(S);
  const o = new Float64Array(D);
  const maskAt = (b: number, s: number) => x.mask[d.mask.offset + b * d.mask.strideB + s * d.mask.strideK];
  for (let b = 0; b < B; b++) {
    let count = 0;
    for (let s = 0; s < S; s++) count += maskAt(b, s);
    for (let h = 0; h < H; h++) {
      qm.fill(0);
      for (let s = 0; s < S; s++) {
        const qo = d.q.offset + b * d.q.strideB + s * d.q.strideL + h * d.q.strideH;
        for (let c = 0; c < D; c++) qm[c] += maskAt(b, s) * x.q[qo + c];
      }
      for (let c = 0; c < D; c++) qm[c] = (qm[c] / (count + d.eps)) * d.scale;
      let max = Number.NEGATIVE_INFINITY;
      for (let s = 0; s < S; s++) {
        const ko = d.k.offset + b * d.k.strideB + s * d.k.strideL;
        let dot = 0;
        for (let c = 0; c < D; c++) dot += qm[c] * x.k[ko + c];
        dot += ATTENTION_MASK_BIAS * (maskAt(b, s) - 1);
        logits[s] = dot;
        if (dot > max) max = dot;
      }
      let sum = 0;
      for (let s = 0; s < S; s++) {
        logits[s] = Math.exp(logits[s] - max);
        sum += logits[s];
      }
      o.fill(0);
      for (let s = 0; s < S; s++) {
        const vo = d.v.offset + b * d.v.strideB + s * d.v.strideL;
        for (let c = 0; c < D; c++) o[c] += (logits[s] / sum) * x.v[vo + c];
      }
      for (let s = 0; s < S; s++) {
        const go = d.gate.offset + b * d.gate.strideB + s * d.gate.strideL + h * d.gate.strideH;
        const oo = d.out.offset + b * d.out.strideB + s * d.out.strideL + h * d.out.strideH;
        for (let c = 0; c < D; c++) {
          const g = x.gate ? 1 / (1 + Math.exp(-x.gate[go + c])) : 1;
          out[oo + c] = o[c] * g;
        }
      }
    }
  }
  return out;
}
