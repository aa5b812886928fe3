// matmul.wgsl — tiled matrix multiply with bias and a fused epilogue, f32 arithmetic.
//
// Purpose: every Linear of the Evoformer (AF2 supplement Alg. 6–17 projections, transitions,
// gates, output projections with their residual adds).
//
//   acc[b, m, n] = sum_k A[b, m, k] * B[b, k, n]  (+ bias[n] if HAS_BIAS)
//   C[b, m, n]   = epilogue(acc)
//
// Epilogues (override EPILOGUE):
//   0 none              C = acc
//   1 relu              C = max(acc, 0)
//   2 gate              C = sigmoid(acc) * E            (AF2 gating: the gate Linear is the matmul,
//                                                        E is the tensor being gated; one dispatch
//                                                        does gate projection + sigmoid + multiply)
//   3 residual          C = E + acc                     (E is the residual stream, read-only)
//   4 residual in place C = C + acc                     (C is read, then written: z += Linear(...))
//
// Bindings (group 0), all row-major with the last axis fastest:
//   0 A      [batch, M, K]  read    array<vec4f> (scalar-addressed unless VEC4_A), row stride lda,
//                                   batch stride strideA (0 broadcasts one matrix over the batch)
//   1 B      [batch, K, N]  read    array<vec4f> (scalar-addressed unless VEC4_B), row stride ldb,
//                                   batch stride strideB (weights: strideB = 0)
//   2 bias   [N]            read    (bound to a dummy when !HAS_BIAS)
//   3 E      [batch, M, N]  read    gate or residual input, row stride lde, batch stride strideE
//                                   (bound to a dummy for epilogues 0, 1, 4)
//   4 C      [batch, M, N]  write   row stride ldc, batch stride strideC, starting at element offsetC
//   5 params uniform        runtime sizes, see Params
// Storage types (aliases prepended by the kernel descriptor, src/gpu/kernel.ts): a_t for A, e_t for
// E, c_t for C, each f32 or f16 (activations stored in half precision); B and bias are f32.
// A and B are declared vec4 so that aligned shapes (VEC4_A: lda, strideA, K multiples of 4;
// VEC4_B: ldb, strideB, N multiples of 4) load whole vec4s; otherwise each scalar is read as a
// component, so any M, N, K works. Bound buffers must be 16-byte multiples (BufferPool rounds).
//
// Workgroup layout: WG_X × WG_Y invocations (default 16 × 16 = 256). Invocation (tx, ty) owns a
// 4 × 4 register tile: rows 4·ty … 4·ty+3 and columns 4·tx … 4·tx+3 of a TILE_M × TILE_N
// = (4·WG_Y) × (4·WG_X) output tile; workgroup (x, y, z) = (column tile, row tile, batch).
// K is walked in steps of TILE_K through workgroup-shared tiles As (TILE_K × TILE_M) and
// Bs (TILE_K × TILE_N), stored as vec4 so the inner product step is two vec4 reads and four
// vec4 FMAs. Out-of-range rows, columns and k are zero-filled, so partial tiles need no branch in
// the inner loop.

override WG_X: u32 = 16;
override WG_Y: u32 = 16;
// Must be a multiple of 4.
override TILE_K: u32 = 16;
override EPILOGUE: u32 = 0;
override HAS_BIAS: bool = false;
override VEC4_A: bool = false;
override VEC4_B: bool = false;

struct Params {
  M: u32,
  N: u32,
  K: u32,
  batch: u32,
  lda: u32,
  ldb: u32,
  ldc: u32,
  lde: u32,
  strideA: u32,
  strideB: u32,
  strideC: u32,
  strideE: u32,
  offsetC: u32,
  pad0: u32,
  pad1: u32,
  pad2: u32,
}

@group(0) @binding(0) var<storage, read> A: array<vec4<a_t>>;
@group(0) @binding(1) var<storage, read> B: array<vec4f>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read> E: array<e_t>;
@group(0) @binding(4) var<storage, read_write> C: array<c_t>;
@group(0) @binding(5) var<uniform> params: Params;

// As[k * WG_Y + ty] holds A rows 4·ty … 4·ty+3 at column k of the current K step.
var<workgroup> As: array<vec4f, TILE_K * WG_Y>;
// Bs[k * WG_X + tx] holds B columns 4·tx … 4·tx+3 at row k of the current K step.
var<workgroup> Bs: array<vec4f, TILE_K * WG_X>;

fn loadA(flat: u32) -> f32 {
  return f32(A[flat >> 2u][flat & 3u]);
}

fn loadB(flat: u32) -> f32 {
  return B[flat >> 2u][flat & 3u];
}

// A tile: TILE_M rows × TILE_K columns, read as TILE_M · TILE_K / 4 groups of 4 along k.
fn fillA(lid: u32, row0: u32, k0: u32, baseA: u32) {
  let threads = WG_X * WG_Y;
  let quadsPerRow = TILE_K / 4u;
  let quads = WG_Y * 4u * quadsPerRow;
  for (var u = lid; u < quads; u += threads) {
    let r = u / quadsPerRow;
    let kq = (u % quadsPerRow) * 4u;
    let row = row0 + r;
    let k = k0 + kq;
    var v = vec4f(0.0);
    if (row < params.M) {
      let flat = baseA + row * params.lda + k;
      if (VEC4_A) {
        if (k < params.K) {
          v = vec4f(A[flat >> 2u]);
        }
      } else {
        for (var j = 0u; j < 4u; j++) {
          if (k + j < params.K) {
            v[j] = loadA(flat + j);
          }
        }
      }
    }
    let slot = r >> 2u;
    let lane = r & 3u;
    As[(kq + 0u) * WG_Y + slot][lane] = v.x;
    As[(kq + 1u) * WG_Y + slot][lane] = v.y;
    As[(kq + 2u) * WG_Y + slot][lane] = v.z;
    As[(kq + 3u) * WG_Y + slot][lane] = v.w;
  }
}

// B tile: TILE_K rows × TILE_N columns, read as TILE_K · WG_X groups of 4 along n.
fn fillB(lid: u32, col0: u32, k0: u32, baseB: u32) {
  let threads = WG_X * WG_Y;
  let quads = TILE_K * WG_X;
  for (var u = lid; u < quads; u += threads) {
    let kk = u / WG_X;
    let nq = u % WG_X;
    let k = k0 + kk;
    let col = col0 + nq * 4u;
    var v = vec4f(0.0);
    if (k < params.K) {
      let flat = baseB + k * params.ldb + col;
      if (VEC4_B) {
        if (col < params.N) {
          v = B[flat >> 2u];
        }
      } else {
        for (var j = 0u; j < 4u; j++) {
          if (col + j < params.N) {
            v[j] = loadB(flat + j);
          }
        }
      }
    }
    Bs[u] = v;
  }
}

fn sigmoid(x: f32) -> f32 {
  return 1.0 / (1.0 + exp(-x));
}

fn epilogue(acc: f32, b: u32, row: u32, col: u32, cIndex: u32) -> f32 {
  var v = acc;
  if (HAS_BIAS) {
    v += bias[col];
  }
  switch (EPILOGUE) {
    case 1u: {
      v = max(v, 0.0);
    }
    case 2u: {
      v = sigmoid(v) * f32(E[b * params.strideE + row * params.lde + col]);
    }
    case 3u: {
      v = f32(E[b * params.strideE + row * params.lde + col]) + v;
    }
    case 4u: {
      v = f32(C[cIndex]) + v;
    }
    default: {}
  }
  return v;
}

// Applies the epilogue to four adjacent outputs C[b, row, col .. col+3] and stores those in range.
fn storeRow(b: u32, row: u32, col: u32, acc: vec4f) {
  if (row >= params.M) {
    return;
  }
  let rowBase = params.offsetC + b * params.strideC + row * params.ldc;
  for (var j = 0u; j < 4u; j++) {
    if (col + j < params.N) {
      C[rowBase + col + j] = c_t(epilogue(acc[j], b, row, col + j, rowBase + col + j));
    }
  }
}

@compute @workgroup_size(WG_X, WG_Y, 1)
fn main(
  @builtin(local_invocation_id) lid3: vec3u,
  @builtin(local_invocation_index) lid: u32,
  @builtin(workgroup_id) wid: vec3u,
) {
  let tx = lid3.x;
  let ty = lid3.y;
  let b = wid.z;
  let row0 = wid.y * WG_Y * 4u;
  let col0 = wid.x * WG_X * 4u;
  let baseA = b * params.strideA;
  let baseB = b * params.strideB;

  var acc0 = vec4f(0.0);
  var acc1 = vec4f(0.0);
  var acc2 = vec4f(0.0);
  var acc3 = vec4f(0.0);

  for (var k0 = 0u; k0 < params.K; k0 += TILE_K) {
    fillA(lid, row0, k0, baseA);
    fillB(lid, col0, k0, baseB);
    workgroupBarrier();
    for (var kk = 0u; kk < TILE_K; kk++) {
      let a = As[kk * WG_Y + ty];
      let bv = Bs[kk * WG_X + tx];
      acc0 = fma(vec4f(a.x), bv, acc0);
      acc1 = fma(vec4f(a.y), bv, acc1);
      acc2 = fma(vec4f(a.z), bv, acc2);
      acc3 = fma(vec4f(a.w), bv, acc3);
    }
    workgroupBarrier();
  }

  // Written row by row with the register tile's rows as named values (no dynamic indexing of a
  // private array, which would push the accumulators out of registers on some compilers).
  storeRow(b, row0 + ty * 4u, col0 + tx * 4u, acc0);
  storeRow(b, row0 + ty * 4u + 1u, col0 + tx * 4u, acc1);
  storeRow(b, row0 + ty * 4u + 2u, col0 + tx * 4u, acc2);
  storeRow(b, row0 + ty * 4u + 3u, col0 + tx * 4u, acc3);
}
