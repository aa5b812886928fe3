/**
 * CPU reference of shaders/matmul.wgsl (plain TypeScript, f64 accumulation): the oracle the GPU
 * kernel is tested against. Also the home of the shape types both share (no GPU imports here).
 *
 *   acc[b, m, n] = sum_k A[b, m, k] · B[b, k, n] (+ bias[n]);   C[b, m, n] = epilogue(acc)
 */

/**
 * Fused epilogues. `gate` is AF2's gating with the gate Linear as the matmul:
 * C = sigmoid(acc) ⊙ E (Alg. 7 line 5/6, Alg. 11 lines 2–4 and 6). `residual` is C = E + acc;
 * `residual-in-place` is C += acc (the residual stream is the output buffer).
 *
 * Why sigmoid(acc) ⊙ E and not sigmoid(E) ⊙ acc: in every AF2 gate the sigmoid is applied to a
 * Linear of the block input (g = sigmoid(Linear(x))) and multiplies a tensor computed by other
 * work (the attention output, the other triangle projection, the triangle update). With the gate
 * Linear as the matmul, gate projection + sigmoid + multiply is one dispatch. The other form
 * would need g computed without its sigmoid first and would only fuse into a matmul whose
 * *output* is gated, but the tensor AF2 gates is the *input* of the following output projection,
 * so it would save nothing.
 */
export type Epilogue = 'none' | 'relu' | 'gate' | 'residual' | 'residual-in-place';

export const EPILOGUES: readonly Epilogue[] = ['none', 'relu', 'gate', 'residual', 'residual-in-place'];

/** Value of the WGSL `EPILOGUE` override for each epilogue. */
export const EPILOGUE_CODE: Record<Epilogue, number> = {
  none: 0,
  relu: 1,
  gate: 2,
  residual: 3,
  'residual-in-place': 4,
};

/** Whether the epilogue reads the extra input E (gate values or residual). */
export function epilogueReadsE(e: Epilogue): boolean {
  return e === 'gate' || e === 'residual';
}

/**
 * Runtime sizes of one (batched) matmul. Row-major, last axis fastest; `ld*` are row strides and
 * `stride*` batch strides, in elements. A stride of 0 broadcasts one matrix over the batch (weights).
 */
export interface MatmulDims {
  M: number;
  N: number;
  K: number;
  /** Default 1. */
  batch?: number;
  /** Row stride of A; default K. */
  lda?: number;
  /** Row stride of B; default N. */
  ldb?: number;
  /** Row stride of C; default N. */
  ldc?: number;
  /** Row stride of E; default N. */
  lde?: number;
  /** Batch strides; default the dense size of one matrix. */
  strideA?: number;
  strideB?: number;
  strideC?: number;
  strideE?: number;
  /** Element offset of C[0, 0, 0] in its buffer (a view into a larger tensor); default 0. */
  offsetC?: number;
}

export type ResolvedMatmulDims = Required<MatmulDims>;

export function resolveMatmulDims(d: MatmulDims): ResolvedMatmulDims {
  const batch = d.batch ?? 1;
  const lda = d.lda ?? d.K;
  const ldb = d.ldb ?? d.N;
  const ldc = d.ldc ?? d.N;
  const lde = d.lde ?? d.N;
  const r: ResolvedMatmulDims = {
    M: d.M,
    N: d.N,
    K: d.K,
    batch,
    lda,
    ldb,
    ldc,
    lde,
    strideA: d.strideA ?? d.M * lda,
    strideB: d.strideB ?? d.K * ldb,
    strideC: d.strideC ?? d.M * ldc,
    strideE: d.strideE ?? d.M * lde,
    offsetC: d.offsetC ?? 0,
  };
  for (const [k, v] of Object.entries(r)) {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff)
      throw new RangeError(`matmul: ${k} = ${v} is not a u32`);
  }
  if (r.lda < r.K || r.ldb < r.N || r.ldc < r.N || r.lde < r.N) {
    throw new RangeError(`matmul: a row stride is smaller than its row (${JSON.stringify(r)})`);
  }
  return r;
}

/** Elements a buffer needs to hold a [batch, rows, cols] view with row stride ld and batch stride s. */
export function viewLength(batch: number, rows: number, cols: number, ld: number, stride: number): number {
  if (batch === 0 || rows === 0 || cols === 0) return 0;
  return (batch - 1) * stride + (rows - 1) * ld + cols;
}

export interface MatmulRefInputs {
  a: ArrayLike<number>;
  b: ArrayLike<number>;
  bias?: ArrayLike<number>;
  /** Gate values or residual, for `gate` and `residual`. */
  e?: ArrayLike<number>;
  /** Initial contents of C (the residual for `residual-in-place`; elements outside the view are kept). */
  c?: ArrayLike<number>;
}

/** The reference result, in f64, with C's layout (elements outside the view copied from `c` or 0). */
export function matmulRef(dims: MatmulDims, epilogue: Epilogue, inp: MatmulRefInputs): Float64Array {
  const d = resolveMatmulDims(dims);
  const cLen = d.offsetC + viewLength(d.batch, d.M, d.N, d.ldc, d.strideC);
  const out = new Float64Array(Math.max(cLen, inp.c?.length ?? 0));
  if (inp.c) for (let i = 0; i < inp.c.length; i++) out[i] = inp.c[i];
  if (epilogueReadsE(epilogue) && !inp.e) throw new Error(`matmulRef: epilogue '${epilogue}' needs e`);
  if (epilogue === 'residual-in-place' && !inp.c) throw new Error('matmulRef: residual-in-place needs c');
  const { a, b, bias, e } = inp;
  const row = new Float64Array(d.N);
  for (let bi = 0; bi < d.batch; bi++) {
    for (let m = 0; m < d.M; m++) {
      row.fill(0);
      const aRow = bi * d.strideA + m * d.lda;
      for (let k = 0; k < d.K; k++) {
        const av = a[aRow + k];
        const bRow = bi * d.strideB + k * d.ldb;
        for (let n = 0; n < d.N; n++) row[n] += av * b[bRow + n];
      }
      for (let n = 0; n < d.N; n++) {
        let v = row[n] + (bias ? bias[n] : 0);
        const ci = d.offsetC + bi * d.strideC + m * d.ldc + n;
        const ei = bi * d.strideE + m * d.lde + n;
        switch (epilogue) {
          case 'relu':
            v = Math.max(v, 0);
            break;
          case 'gate':
            v = (1 / (1 + Math.exp(-v))) * e![ei];
            break;
          case 'residual':
            v = e![ei] + v;
            break;
          case 'residual-in-place':
            v = out[ci] + v;
            break;
          case 'none':
            break;
        }
        out[ci] = v;
      }
    }
  }
  return out;
}
