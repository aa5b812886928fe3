/**
 * CPU reference and addressing of shaders/attention.wgsl, the fused gated attention core of
 * AF2 supplement Alg. 7 (MSA row attention with pair bias), Alg. 8 (MSA column attention),
 * Alg. 13/14 (triangle attention, starting/ending node) and Alg. 17 (template pointwise attention):
 *
 *   a[b,h,i,:]   = softmax_j(scale · q[b,i,h]·k[b,j,h] + bias[i,j,h] + 1e9 (mask[b,j] − 1))
 *   out[b,i,h,:] = sigmoid(g[b,i,h,:]) ⊙ Σ_j a[b,h,i,j] v[b,j,h,:]       (gate optional)
 *
 * the inner loop of `gatedAttention` (src/model/reference/attention.ts), which takes weights and
 * projects itself, so it cannot be reused here; this is the same arithmetic (f64 logits and
 * softmax) on already projected q, k, v, g. Every tensor is addressed through strides with the
 * channel axis contiguous, so the orientations of the AF2 modules are views, not copies:
 * `attentionLayout` gives them. Value width = key width = headDim (true of every AF2 module).
 * No GPU, no node: imports.
 */

/** AF2's mask bias: 1e9 · (mask − 1). */
export const ATTENTION_MASK_BIAS = 1e9;

/** Largest head width the kernel keeps in registers. */
export const MAX_HEAD_DIM = 32;

/** [b, l, h, c] at offset + b·strideB + l·strideL + h·strideH + c. */
export interface RowView {
  offset: number;
  strideB: number;
  strideL: number;
  strideH: number;
}

/** [i, j, h] at offset + i·strideQ + j·strideK + h·strideH (shared by every batch). */
export interface BiasView {
  offset: number;
  strideQ: number;
  strideK: number;
  strideH: number;
}

/** [b, j] at offset + b·strideB + j·strideK (strideB = 0: one mask for all batches). */
export interface MaskView {
  offset: number;
  strideB: number;
  strideK: number;
}

export interface AttentionDims {
  /** Independent attention problems (MSA rows, residue columns, pair rows, pairs). */
  batch: number;
  queries: number;
  keys: number;
  heads: number;
  /** Channels per head of q, k, v, g and out; 1 … 32. */
  headDim: number;
  /** Defaults: contiguous [batch, queries, heads, headDim] (k, v: [batch, keys, heads, headDim]). */
  q?: RowView;
  k?: RowView;
  v?: RowView;
  gate?: RowView;
  out?: RowView;
  /** Default contiguous [queries, keys, heads]. */
  bias?: BiasView;
  /** Default contiguous [batch, keys]. */
  mask?: MaskView;
  /** Logit scale applied to q; default headDim^-1/2 (AF2). */
  scale?: number;
}

export interface ResolvedAttentionDims extends Required<AttentionDims> {}

/** Which optional inputs a launch reads (kernel specialisation, not runtime data). */
export interface AttentionFeatures {
  bias: boolean;
  mask: boolean;
  gate: boolean;
}

export function contiguousRows(rows: number, heads: number, headDim: number): RowView {
  return { offset: 0, strideB: rows * heads * headDim, strideL: heads * headDim, strideH: headDim };
}

function checkInt(name: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min)
    throw new RangeError(`attention: ${name} = ${v} is not an integer ≥ ${min}`);
}

export function resolveAttentionDims(d: AttentionDims): ResolvedAttentionDims {
  checkInt('batch', d.batch, 0);
  checkInt('queries', d.queries, 0);
  checkInt('keys', d.keys, 1);
  checkInt('heads', d.heads, 1);
  checkInt('headDim', d.headDim, 1);
  if (d.headDim > MAX_HEAD_DIM) {
    throw new RangeError(
      `attention: headDim ${d.headDim} exceeds the kernel's register row of ${MAX_HEAD_DIM}`,
    );
  }
  const r: ResolvedAttentionDims = {
    batch: d.batch,
    queries: d.queries,
    keys: d.keys,
    heads: d.heads,
    headDim: d.headDim,
    q: d.q ?? contiguousRows(d.queries, d.heads, d.headDim),
    k: d.k ?? contiguousRows(d.keys, d.heads, d.headDim),
    v: d.v ?? d.k ?? contiguousRows(d.keys, d.heads, d.headDim),
    gate: d.gate ?? d.q ?? contiguousRows(d.queries, d.heads, d.headDim),
    out: d.out ?? contiguousRows(d.queries, d.heads, d.headDim),
    bias: d.bias ?? { offset: 0, strideQ: d.keys * d.heads, strideK: d.heads, strideH: 1 },
    mask: d.mask ?? { offset: 0, strideB: d.keys, strideK: 1 },
    scale: d.scale ?? 1 / Math.sqrt(d.headDim),
  };
  const views = [r.q, r.k, r.v, r.gate, r.out, r.bias, r.mask] as unknown as Record<string, number>[];
  for (const v of views) for (const [k, x] of Object.entries(v)) checkInt(k, x, 0);
  // Largest element index of each view must be addressable with u32 arithmetic.
  for (const [name, n] of Object.entries(viewLengths(r))) {
    if (n > 0xffffffff) throw new RangeError(`attention: ${name} spans ${n} elements, beyond u32 addressing`);
  }
  return r;
}

function rowSpan(v: RowView, batch: number, rows: number, heads: number, d: number): number {
  if (batch === 0 || rows === 0) return 0;
  return v.offset + (batch - 1) * v.strideB + (rows - 1) * v.strideL + (heads - 1) * v.strideH + d;
}

/** Elements each buffer must hold (largest index + 1) for these views. */
export function viewLengths(
  d: ResolvedAttentionDims,
): Record<'q' | 'k' | 'v' | 'gate' | 'out' | 'bias' | 'mask', number> {
  const { batch, queries: Q, keys: K, heads: H, headDim: D } = d;
  return {
    q: rowSpan(d.q, batch, Q, H, D),
    k: rowSpan(d.k, batch, K, H, D),
    v: rowSpan(d.v, batch, K, H, D),
    gate: rowSpan(d.gate, batch, Q, H, D),
    out: rowSpan(d.out, batch, Q, H, D),
    bias:
      Q === 0
        ? 0
        : d.bias.offset + (Q - 1) * d.bias.strideQ + (K - 1) * d.bias.strideK + (H - 1) * d.bias.strideH + 1,
    mask: batch === 0 ? 0 : d.mask.offset + (batch - 1) * d.mask.strideB + (K - 1) * d.mask.strideK + 1,
  };
}

/** The AF2 module an attention launch serves; decides batch, query and key axes by strides. */
export type AttentionLayout =
  /** Alg. 7: m-projections [N_seq, N_res, H, C]; batch = sequences, attend over residues;
   * pair bias [N_res, N_res, H]; mask [N_seq, N_res]. */
  | { kind: 'msa-row'; nSeq: number; nRes: number; heads: number; headDim: number }
  /** Alg. 8: the same [N_seq, N_res, H, C] projections; batch = residues, attend over sequences;
   * mask [N_seq, N_res]; output written back in [N_seq, N_res, H, C]. */
  | { kind: 'msa-column'; nSeq: number; nRes: number; heads: number; headDim: number }
  /** Alg. 13/14: z-projections [N_res, N_res, H, C], bias [N_res, N_res, H] and pair mask
   * [N_res, N_res] all in z's own (i, j) order. Starting node: batch i, attend over k of row i.
   * Ending node: the same on the transposed pair representation (batch j, attend over k of
   * column j, bias_{kj}), read and written through transposed strides. */
  | { kind: 'triangle'; orientation: 'starting' | 'ending'; nRes: number; heads: number; headDim: number }
  /** Alg. 17: q from z [N_res², 1, H, C], k/v from the templates [N_templ, N_res², H, C];
   * batch = pairs, one query, keys = templates; mask [N_templ]. */
  | { kind: 'template-pointwise'; nTempl: number; pairs: number; heads: number; headDim: number };

/** Dims (views) of one attention launch for an AF2 module, over the natural activation layouts. */
export function attentionLayout(l: AttentionLayout): AttentionDims {
  const { heads: H, headDim: D } = l;
  const hd = H * D;
  switch (l.kind) {
    case 'msa-row':
      return {
        batch: l.nSeq,
        queries: l.nRes,
        keys: l.nRes,
        heads: H,
        headDim: D,
        bias: { offset: 0, strideQ: l.nRes * H, strideK: H, strideH: 1 },
        mask: { offset: 0, strideB: l.nRes, strideK: 1 },
      };
    case 'msa-column': {
      const rows: RowView = { offset: 0, strideB: hd, strideL: l.nRes * hd, strideH: D };
      return {
        batch: l.nRes,
        queries: l.nSeq,
        keys: l.nSeq,
        heads: H,
        headDim: D,
        q: rows,
        k: rows,
        v: rows,
        gate: rows,
        out: rows,
        mask: { offset: 0, strideB: 1, strideK: l.nRes },
      };
    }
    case 'triangle': {
      const N = l.nRes;
      const ending = l.orientation === 'ending';
      const rows: RowView = ending
        ? { offset: 0, strideB: hd, strideL: N * hd, strideH: D }
        : { offset: 0, strideB: N * hd, strideL: hd, strideH: D };
      return {
        batch: N,
        queries: N,
        keys: N,
        heads: H,
        headDim: D,
        q: rows,
        k: rows,
        v: rows,
        gate: rows,
        out: rows,
        bias: ending
          ? { offset: 0, strideQ: H, strideK: N * H, strideH: 1 }
          : { offset: 0, strideQ: N * H, strideK: H, strideH: 1 },
        mask: ending ? { offset: 0, strideB: 1, strideK: N } : { offset: 0, strideB: N, strideK: 1 },
      };
    }
    case 'template-pointwise':
      return {
        batch: l.pairs,
        queries: 1,
        keys: l.nTempl,
        heads: H,
        headDim: D,
        q: { offset: 0, strideB: hd, strideL: hd, strideH: D },
        k: { offset: 0, strideB: hd, strideL: l.pairs * hd, strideH: D },
        v: { offset: 0, strideB: hd, strideL: l.pairs * hd, strideH: D },
        out: { offset: 0, strideB: hd, strideL: hd, strideH: D },
        mask: { offset: 0, strideB: 0, strideK: 1 },
      };
  }
}

export interface AttentionInputs {
  q: ArrayLike<number>;
  k: ArrayLike<number>;
  v: ArrayLike<number>;
  /** Gate pre-activations (sigmoid applied here), if gated. */
  gate?: ArrayLike<number>;
  bias?: ArrayLike<number>;
  /** 1 = attend, 0 = masked. */
  mask?: ArrayLike<number>;
}

/**
 * Reference result in f64, written into `out` (a copy of `out0`, or zeros of the out view's
 * length) at the out view's positions; other elements are left as they were.
 */
export function attentionRef(
  dims: AttentionDims,
  x: AttentionInputs,
  out0?: ArrayLike<number>,
): Float64Array {
  const d = resolveAttentionDims(dims);
  const { batch: B, queries: Q, keys: K, heads: H, headDim: D, scale } = d;
  const out = new Float64Array(out0 ? out0.length : viewLengths(d).out);
  if (out0) for (let i = 0; i < out0.length; i++) out[i] = out0[i];
  const logits = new Float64Array(K);
  const acc = new Float64Array(D);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      for (let i = 0; i < Q; i++) {
        const qo = d.q.offset + b * d.q.strideB + i * d.q.strideL + h * d.q.strideH;
        let max = Number.NEGATIVE_INFINITY;
        for (let j = 0; j < K; j++) {
          const ko = d.k.offset + b * d.k.strideB + j * d.k.strideL + h * d.k.strideH;
          let s = 0;
          for (let c = 0; c < D; c++) s += x.q[qo + c] * scale * x.k[ko + c];
          if (x.mask)
            s += ATTENTION_MASK_BIAS * (x.mask[d.mask.offset + b * d.mask.strideB + j * d.mask.strideK] - 1);
          if (x.bias)
            s += x.bias[d.bias.offset + i * d.bias.strideQ + j * d.bias.strideK + h * d.bias.strideH];
          logits[j] = s;
          if (s > max) max = s;
        }
        let sum = 0;
        for (let j = 0; j < K; j++) {
          logits[j] = Math.exp(logits[j] - max);
          sum += logits[j];
        }
        acc.fill(0);
        for (let j = 0; j < K; j++) {
          const a = logits[j] / sum;
          const vo = d.v.offset + b * d.v.strideB + j * d.v.strideL + h * d.v.strideH;
          for (let c = 0; c < D; c++) acc[c] += a * x.v[vo + c];
        }
        const go = d.gate.offset + b * d.gate.strideB + i * d.gate.strideL + h * d.gate.strideH;
        const oo = d.out.offset + b * d.out.strideB + i * d.out.strideL + h * d.out.strideH;
        for (let c = 0; c < D; c++) {
          const g = x.gate ? 1 / (1 + Math.exp(-x.gate[go + c])) : 1;
          out[oo + c] = acc[c] * g;
        }
      }
    }
  }
  return out;
}
