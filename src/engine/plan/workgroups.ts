/**
 * Workgroup mappings: the dispatch grid each kernel family launches for given sizes. Kernel
 * authors honour these (a kernel's `workgroups(dims)` must return the same grid), so the planner
 * can keep every dimension within maxComputeWorkgroupsPerDimension before anything runs.
 *
 *   matmul       C[batch, M, N]: 64×64 output tile per workgroup → [⌈N/64⌉, ⌈M/64⌉, batch]
 *                (src/engine/kernels/matmul.ts DEFAULT_TILE: 16×16 invocations × 4×4 outputs)
 *   rows         one or more rows per workgroup (layer norm, softmax-style reductions), the
 *                flat group count folded into x/y → [min(g, 65535), ⌈g/65535⌉, 1]
 *                (src/engine/kernels/layernorm.ts)
 *   elementwise  256 elements per workgroup, folded like `rows`
 *   attention    fused gated attention with online softmax: 32 queries per workgroup, one head
 *                and one batch row (MSA row, pair row, or residue column) → [⌈Q/32⌉, H, B]
 *   transpose    16×16 (i, j) positions per workgroup, all channels → [⌈J/16⌉, ⌈I/16⌉, 1]
 */

/** WebGPU's guaranteed maxComputeWorkgroupsPerDimension; the fold width of flat grids. */
export const GRID_FOLD = 65535;

export type Grid = [number, number, number];

export const MATMUL_TILE = 64;
export const ROWS_PER_WORKGROUP = 4;
export const ELEMENTS_PER_WORKGROUP = 256;
export const ATTENTION_QUERIES_PER_WORKGROUP = 32;
export const TRANSPOSE_TILE = 16;

function fold(groups: number): Grid {
  if (groups <= 0) return [0, 0, 1];
  const x = Math.min(groups, GRID_FOLD);
  return [x, Math.ceil(groups / x), 1];
}

/** C[batch, M, N] = A[batch, M, K] · B[batch, K, N]. */
export function matmulGrid(M: number, N: number, batch = 1): Grid {
  return [Math.ceil(N / MATMUL_TILE), Math.ceil(M / MATMUL_TILE), batch];
}

/** Row-wise kernels (layer norm, reductions over the last axis) on `rows` rows. */
export function rowsGrid(rows: number): Grid {
  return fold(Math.ceil(rows / ROWS_PER_WORKGROUP));
}

export function elementwiseGrid(elements: number): Grid {
  return fold(Math.ceil(elements / ELEMENTS_PER_WORKGROUP));
}

/** Fused attention over `batch` independent sequences of `queries` queries, `heads` heads. */
export function attentionGrid(queries: number, heads: number, batch: number): Grid {
  return [Math.ceil(queries / ATTENTION_QUERIES_PER_WORKGROUP), heads, batch];
}

/** Tile transpose of an [I, J, c] block into [J, I, c]. */
export function transposeGrid(I: number, J: number): Grid {
  return [Math.ceil(J / TRANSPOSE_TILE), Math.ceil(I / TRANSPOSE_TILE), 1];
}

/** Largest grid dimension. */
export function gridMax(g: Grid): number {
  return Math.max(g[0], g[1], g[2]);
}

/** Global column attention (Algorithm 19): one query per residue column and head → [columns, H, 1]. */
export function globalAttentionGrid(columns: number, heads: number): Grid {
  return [columns, heads, 1];
}
