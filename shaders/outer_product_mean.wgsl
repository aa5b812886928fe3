// outer_product_mean.wgsl — AF2 supplement Algorithm 10 (OuterProductMean), two entry points:
//
//   project  lines 1–2  ab[s, i, :] = LayerNorm(m[s, i]) · [W_left | W_right] + [b_left | b_right]
//   main     lines 3–5  the outer product mean below, in blocks, so the [N_res, N_res, C, C]
//                       intermediate never exists in device memory.
//
//   outer[i, j, c, e] = Σ_s a[s, i, c]·mask[s, i] · b[s, j, e]·mask[s, j]
//   z[i, j, f]       += (Σ_{c,e} outer[i, j, c, e] · W[c, e, f] + bias[f]) / (EPS + Σ_s mask[s, i]·mask[s, j])
//
// AF2 divides by the mask count after the bias (see src/model/reference/outer-product-mean.ts).
// a and b come from `project`, unmasked: the mask is applied in `main`, while staging.
//
// Sequence chunks (deep MSAs, the extra-MSA stack): ab may hold sequences s0 … s0+S−1 only.
// Both sums are linear, so each chunk's Σ_{c,e} outer · W is accumulated in `partial`
// (flags: READ_PARTIAL adds the previous chunks' sum, FINAL applies bias and mask count and adds
// into z, otherwise the sum is stored in partial). The mask count always runs over all sTotal
// sequences.
//
// project bindings (group 0), row-major, last axis fastest:
//   0 params   uniform              see Params (pRow0, pRows, cm, lnEps)
//   1 m        [rows, c_m]          read   MSA rows (s, i flattened), rows pRow0 … pRow0+pRows−1
//   2 lnScale  [c_m]                read
//   3 lnOffset [c_m]                read
//   4 projW    [c_m, 2C]            read   left_projection | right_projection weights
//   5 projB    [2C]                 read
//   6 ab       [pRows, 2C]          write  (chunk-local rows)
// project workgroup layout: WG_X × WG_Y = 16 × 16 invocations, 64 rows × 64 columns, each
// invocation a 4 × 4 register tile (rows 4ty …, columns 4tx …); LayerNorm statistics first
// (4 invocations per row, two-pass), then K = c_m in steps of TILE_K through workgroup tiles,
// normalised while staging. grid (column tiles, row tiles).
//
// main bindings (group 0), row-major, last axis fastest:
//   0 params  uniform          see Params
//   1 ab      [S, N, 2C]       read   a = channels 0 … C−1, b = channels C … 2C−1 (the chunk)
//   2 mask    [sTotal, N]      read   MSA mask (all sequences)
//   3 weights [C·C·c_z + c_z]  read   W [C, C, c_z] (left channel c first), then bias [c_z]
//   4 z       [N, N, c_z]      read-write, z += update for output rows r0 … r0+rows−1 (FINAL)
//   5 partial [N, N, c_z]      read-write, sum over earlier chunks (a dummy with one chunk)
// Storage types (aliases prepended by the descriptor): m_t for m, z_t for z (f32, or f16 for
// activations stored in half precision); everything else, and all arithmetic, is f32.
//
// Workgroup layout: 256 invocations; one workgroup owns a block of 8 rows i × 8 columns j
// (64 pairs, pair p = 8·il + jl) and 128 output channels f (grid: j blocks, i blocks, f tiles).
// The flattened (c, e) axis (C·C long) is walked in chunks of KC = 32:
//   1. outer products for the chunk, Σ over s in steps of SB sequences staged in workgroup memory
//      (a[s, 8 rows, C] and b[s, 8 columns, C], masked); invocation t owns 2 pairs × 4
//      consecutive e (one c): outer chunk [KC, 64 pairs] → workgroup memory.
//   2. projection of the chunk: invocation t owns 4 pairs × 8 channels f (f0 + 4·(t%16) + {0…3}
//      and the same + 64) and accumulates Σ_kk outer[kk, pairs] · W[k0 + kk, f] in registers.
// The mask counts Σ_s mask_si mask_sj of the 64 pairs are summed once, first.
// C must be a multiple of 4 (AF2: 32).

// Channels of a and b.
override C: u32 = 32;
// Sequences staged per step.
override SB: u32 = 2;

const KC: u32 = 32u;
const PAIRS: u32 = 64u;
const THREADS: u32 = 256u;
const TF: u32 = 128u;

struct Params {
  N: u32,
  S: u32,
  // Window of output rows i.
  r0: u32,
  rows: u32,
  cz: u32,
  // Offset of the bias in `weights` (= C·C·c_z).
  biasOffset: u32,
  eps: f32,
  // First sequence of the chunk and all sequences (for the mask count).
  s0: u32,
  sTotal: u32,
  // Bit 0: READ_PARTIAL, bit 1: FINAL.
  flags: u32,
  // project
  pRow0: u32,
  pRows: u32,
  cm: u32,
  lnEps: f32,
  pad0: u32,
  pad1: u32,
  pad2: u32,
  pad3: u32,
  pad4: u32,
  pad5: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> ab: array<f32>;
@group(0) @binding(2) var<storage, read> mask: array<f32>;
@group(0) @binding(3) var<storage, read> weights: array<f32>;
@group(0) @binding(4) var<storage, read_write> z: array<z_t>;
@group(0) @binding(5) var<storage, read_write> partial: array<f32>;

@group(0) @binding(1) var<storage, read> pm: array<m_t>;
@group(0) @binding(2) var<storage, read> pLnScale: array<f32>;
@group(0) @binding(3) var<storage, read> pLnOffset: array<f32>;
@group(0) @binding(4) var<storage, read> pW: array<f32>;
@group(0) @binding(5) var<storage, read> pBias: array<f32>;
@group(0) @binding(6) var<storage, read_write> pab: array<f32>;

// aS[(s·8 + il)·C + c] = a[s0 + s, i, c] · mask[s0 + s, i]
var<workgroup> aS: array<f32, SB * 8u * C>;
// bS[(s·8 + jl)·C/4 + e/4] = b[s0 + s, j, e … e+3] · mask[s0 + s, j]
var<workgroup> bS: array<vec4f, SB * 2u * C>;
// outerS[kk·16 + p/4][p%4] = outer[pair p, k0 + kk]
var<workgroup> outerS: array<vec4f, KC * 16u>;
var<workgroup> normS: array<f32, PAIRS>;

@compute @workgroup_size(THREADS, 1, 1)
fn main(@builtin(local_invocation_index) t: u32, @builtin(workgroup_id) wid: vec3u) {
  let N = params.N;
  let S = params.S;
  let cz = params.cz;
  let ld = 2u * C;
  // Global first row / column of the block; rows beyond the window or N are skipped.
  let iBase = params.r0 + wid.y * 8u;
  let iEnd = params.r0 + params.rows;
  let jBase = wid.x * 8u;
  let f0 = wid.z * TF;

  // Mask counts of the 64 pairs.
  if (t < PAIRS) {
    let i = iBase + t / 8u;
    let j = jBase + t % 8u;
    var n = 0.0;
    if (i < iEnd && j < N && (params.flags & 2u) != 0u) {
      for (var s = 0u; s < params.sTotal; s++) {
        n = fma(mask[s * N + i], mask[s * N + j], n);
      }
    }
    normS[t] = n;
  }

  // Phase-1 ownership: pairs 2pp, 2pp+1 (same row il, columns jl, jl+1) × flattened k0 + 4kq … +3.
  let kq = t % (KC / 4u);
  let pp = t / (KC / 4u);
  let p1 = 2u * pp;
  let il1 = p1 / 8u;
  let jl1 = p1 % 8u;
  // Phase-2 ownership: pairs 4tp … 4tp+3 × channels f0 + 4tf + {0…3} and f0 + 64 + 4tf + {0…3}.
  let tp = t / 16u;
  let tf = t % 16u;
  let fA = f0 + 4u * tf;
  let fB = fA + 64u;

  var oA0 = vec4f(0.0);
  var oA1 = vec4f(0.0);
  var oA2 = vec4f(0.0);
  var oA3 = vec4f(0.0);
  var oB0 = vec4f(0.0);
  var oB1 = vec4f(0.0);
  var oB2 = vec4f(0.0);
  var oB3 = vec4f(0.0);

  let CC = C * C;
  for (var k0 = 0u; k0 < CC; k0 += KC) {
    let k = k0 + 4u * kq;
    let kValid = k < CC;
    let c = k / C;
    let eq = (k % C) / 4u;
    var acc0 = vec4f(0.0);
    var acc1 = vec4f(0.0);
    for (var s0 = 0u; s0 < S; s0 += SB) {
      for (var u = t; u < SB * 8u * C; u += THREADS) {
        let s = u / (8u * C);
        let il = (u / C) % 8u;
        let cc = u % C;
        let i = iBase + il;
        var v = 0.0;
        if (s0 + s < S && i < iEnd) {
          let row = (s0 + s) * N + i;
          v = ab[row * ld + cc] * mask[params.s0 * N + row];
        }
        aS[u] = v;
      }
      for (var u = t; u < SB * 2u * C; u += THREADS) {
        let s = u / (2u * C);
        let jl = (u / (C / 4u)) % 8u;
        let e4 = 4u * (u % (C / 4u));
        let j = jBase + jl;
        var v = vec4f(0.0);
        if (s0 + s < S && j < N) {
          let row = (s0 + s) * N + j;
          let base = row * ld + C + e4;
          v = vec4f(ab[base], ab[base + 1u], ab[base + 2u], ab[base + 3u]) * mask[params.s0 * N + row];
        }
        bS[u] = v;
      }
      workgroupBarrier();
      if (kValid) {
        for (var s = 0u; s < SB; s++) {
          let av = aS[(s * 8u + il1) * C + c];
          let bRow = (s * 8u + jl1) * (C / 4u) + eq;
          acc0 = fma(vec4f(av), bS[bRow], acc0);
          acc1 = fma(vec4f(av), bS[bRow + C / 4u], acc1);
        }
      }
      workgroupBarrier();
    }
    // Out-of-range k leaves zeros, so phase 2 needs no bound on k.
    for (var q = 0u; q < 4u; q++) {
      let row = (4u * kq + q) * 16u + p1 / 4u;
      outerS[row][p1 % 4u] = acc0[q];
      outerS[row][p1 % 4u + 1u] = acc1[q];
    }
    workgroupBarrier();
    for (var kk = 0u; kk < KC; kk++) {
      let kw = k0 + kk;
      if (kw >= CC) {
        break;
      }
      let o = outerS[kk * 16u + tp];
      var wA = vec4f(0.0);
      var wB = vec4f(0.0);
      for (var q = 0u; q < 4u; q++) {
        if (fA + q < cz) {
          wA[q] = weights[kw * cz + fA + q];
        }
        if (fB + q < cz) {
          wB[q] = weights[kw * cz + fB + q];
        }
      }
      oA0 = fma(vec4f(o.x), wA, oA0);
      oA1 = fma(vec4f(o.y), wA, oA1);
      oA2 = fma(vec4f(o.z), wA, oA2);
      oA3 = fma(vec4f(o.w), wA, oA3);
      oB0 = fma(vec4f(o.x), wB, oB0);
      oB1 = fma(vec4f(o.y), wB, oB1);
      oB2 = fma(vec4f(o.z), wB, oB2);
      oB3 = fma(vec4f(o.w), wB, oB3);
    }
    workgroupBarrier();
  }

  var biasA = vec4f(0.0);
  var biasB = vec4f(0.0);
  for (var q = 0u; q < 4u; q++) {
    if (fA + q < cz) {
      biasA[q] = weights[params.biasOffset + fA + q];
    }
    if (fB + q < cz) {
      biasB[q] = weights[params.biasOffset + fB + q];
    }
  }
  // Row by row with the register tile as named values (no dynamic indexing of a private array).
  addUpdate(4u * tp, iBase, jBase, fA, oA0, oB0, biasA, biasB);
  addUpdate(4u * tp + 1u, iBase, jBase, fA, oA1, oB1, biasA, biasB);
  addUpdate(4u * tp + 2u, iBase, jBase, fA, oA2, oB2, biasA, biasB);
  addUpdate(4u * tp + 3u, iBase, jBase, fA, oA3, oB3, biasA, biasB);
}

// Block pair p, channels fA … fA+3 and fA+64 … fA+67: with FINAL,
// z += (partial + acc + bias) / (EPS + count); otherwise partial = (partial +) acc.
fn addUpdate(p: u32, iBase: u32, jBase: u32, fA: u32, oA: vec4f, oB: vec4f, biasA: vec4f, biasB: vec4f) {
  let N = params.N;
  let cz = params.cz;
  let i = iBase + p / 8u;
  let j = jBase + p % 8u;
  if (i >= params.r0 + params.rows || j >= N) {
    return;
  }
  let readPartial = (params.flags & 1u) != 0u;
  let isFinal = (params.flags & 2u) != 0u;
  let inv = 1.0 / (params.eps + normS[p]);
  let base = (i * N + j) * cz;
  let fB = fA + 64u;
  for (var q = 0u; q < 4u; q++) {
    for (var h = 0u; h < 2u; h++) {
      let f = select(fA, fB, h == 1u) + q;
      if (f < cz) {
        var v = select(oA[q], oB[q], h == 1u);
        if (readPartial) {
          v += partial[base + f];
        }
        if (isFinal) {
          z[base + f] = z_t(f32(z[base + f]) + (v + select(biasA[q], biasB[q], h == 1u)) * inv);
        } else {
          partial[base + f] = v;
        }
      }
    }
  }
}


// ---------------------------------------------------------------------------------------------
// project: Algorithm 10 lines 1–2
// ---------------------------------------------------------------------------------------------

const P_WG: u32 = 16u;
const P_TILE_K: u32 = 16u;
// 64 rows, 4 invocations each for the statistics.
const P_ROWS: u32 = 64u;

var<workgroup> pA: array<vec4f, P_TILE_K * P_WG>;
var<workgroup> pB: array<vec4f, P_TILE_K * P_WG>;
var<workgroup> pRed: array<f32, THREADS>;
var<workgroup> pMean: array<f32, P_ROWS>;
var<workgroup> pRstd: array<f32, P_ROWS>;

fn pRowSum(lid: u32, v: f32) -> f32 {
  pRed[lid] = v;
  workgroupBarrier();
  var s = 0.0;
  if (lid < P_ROWS) {
    for (var g = 0u; g < THREADS / P_ROWS; g++) {
      s += pRed[lid + g * P_ROWS];
    }
  }
  workgroupBarrier();
  return s;
}

// ab[row, col … col+3] = acc + b (in-range entries only).
fn pStore(row: u32, col: u32, acc: vec4f) {
  let n = 2u * C;
  if (row >= params.pRows) {
    return;
  }
  for (var q = 0u; q < 4u; q++) {
    if (col + q < n) {
      pab[row * n + col + q] = acc[q] + pBias[col + q];
    }
  }
}

@compute @workgroup_size(P_WG, P_WG, 1)
fn project(
  @builtin(local_invocation_id) lid3: vec3u,
  @builtin(local_invocation_index) lid: u32,
  @builtin(workgroup_id) wid: vec3u,
) {
  let tx = lid3.x;
  let ty = lid3.y;
  let cm = params.cm;
  let n = 2u * C;
  let row0 = wid.y * P_ROWS;
  let col0 = wid.x * 4u * P_WG;

  // LayerNorm statistics: invocation lid sums channels g, g + 4, … of row m.
  let m = lid % P_ROWS;
  let g = lid / P_ROWS;
  let G = THREADS / P_ROWS;
  let r = row0 + m;
  let base = (params.pRow0 + r) * cm;
  var s = 0.0;
  if (r < params.pRows) {
    for (var k = g; k < cm; k += G) {
      s += f32(pm[base + k]);
    }
  }
  let total = pRowSum(lid, s);
  if (lid < P_ROWS) {
    pMean[lid] = total / f32(cm);
  }
  workgroupBarrier();
  let mean = pMean[m];
  var v = 0.0;
  if (r < params.pRows) {
    for (var k = g; k < cm; k += G) {
      let d = f32(pm[base + k]) - mean;
      v = fma(d, d, v);
    }
  }
  let vtotal = pRowSum(lid, v);
  if (lid < P_ROWS) {
    pRstd[lid] = inverseSqrt(vtotal / f32(cm) + params.lnEps);
  }
  workgroupBarrier();

  var acc0 = vec4f(0.0);
  var acc1 = vec4f(0.0);
  var acc2 = vec4f(0.0);
  var acc3 = vec4f(0.0);
  for (var k0 = 0u; k0 < cm; k0 += P_TILE_K) {
    // pA[kk·16 + mm/4][mm%4] = LayerNorm(m)[row0 + mm, k0 + kk]  (k fastest: coalesced reads)
    for (var u = lid; u < P_ROWS * P_TILE_K; u += THREADS) {
      let mm = u / P_TILE_K;
      let kk = u % P_TILE_K;
      let rr = row0 + mm;
      let k = k0 + kk;
      var xv = 0.0;
      if (rr < params.pRows && k < cm) {
        let xn = (f32(pm[(params.pRow0 + rr) * cm + k]) - pMean[mm]) * pRstd[mm];
        xv = fma(xn, pLnScale[k], pLnOffset[k]);
      }
      pA[kk * P_WG + mm / 4u][mm % 4u] = xv;
    }
    // pB[kk·16 + cq] = W[k0 + kk, col0 + 4cq … +3]
    for (var u = lid; u < P_TILE_K * P_WG; u += THREADS) {
      let kk = u / P_WG;
      let cq = u % P_WG;
      let k = k0 + kk;
      var w = vec4f(0.0);
      for (var q = 0u; q < 4u; q++) {
        let col = col0 + 4u * cq + q;
        if (k < cm && col < n) {
          w[q] = pW[k * n + col];
        }
      }
      pB[u] = w;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < P_TILE_K; kk++) {
      let a = pA[kk * P_WG + ty];
      let b = pB[kk * P_WG + tx];
      acc0 = fma(vec4f(a.x), b, acc0);
      acc1 = fma(vec4f(a.y), b, acc1);
      acc2 = fma(vec4f(a.z), b, acc2);
      acc3 = fma(vec4f(a.w), b, acc3);
    }
    workgroupBarrier();
  }
  pStore(row0 + 4u * ty, col0 + 4u * tx, acc0);
  pStore(row0 + 4u * ty + 1u, col0 + 4u * tx, acc1);
  pStore(row0 + 4u * ty + 2u, col0 + 4u * tx, acc2);
  pStore(row0 + 4u * ty + 3u, col0 + 4u * tx, acc3);
}
