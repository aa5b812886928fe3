// triangle_multiplication.wgsl — triangle multiplicative update, outgoing and incoming edges
// (AF2 supplement Algorithm 11 and Algorithm 12), f32 arithmetic, three entry points:
//
//   project   lines 1–2   x = LayerNorm(z);  left/right = mask ⊙ sigmoid(x·W_g + b_g) ⊙ (x·W_p + b_p)
//                         written channel-major
//   contract  line 3      outgoing: t[c, i, j] = Σ_k left[c, i, k] · right[c, j, k]
//                         incoming: t[c, i, j] = Σ_k right[c, k, i] · left[c, k, j]
//                         (ORIENTATION; a batched N×N matmul per channel, register-tiled)
//   finish    line 4      out[i, j, :] = z[i, j, :] + sigmoid(x·W_gate + b_gate) ⊙ (LayerNorm_c(t)·W_out + b_out)
//                         for the window's pairs, x = LayerNorm(z) recomputed (never stored)
//
// DISCREPANCY (AF2's, kept): for incoming edges the supplement's a/b are AF2's right/left
// projections; hence right comes first in the incoming contraction.
//
// Layouts (row-major, last axis fastest). N = N_res, p = i·N + j is a global pair index:
//   z       [N, N, c_z]       pair representation
//   mask    [N, N]            pair mask
//   left    [C, N, N]         channel-major projections of channels ch0 … ch0+C−1 (C = chLocal)
//   right   [C, N, N]
//   t       [c, rows, N]      contraction of the row window i0 … i0+rows−1 (window-local rows),
//                             planes ch0 … ch0+C−1 written per channel chunk
//   out     [rows, N, c_z]    finish's output for the window (window-local rows): z + update;
//                             the caller copies it into z once the window is done
//   weights packed by triangle-multiplication.ts (offsets in params):
//     lnScale, lnOffset [c_z]; proj [c_z, c, 4] (quantities left_projection, left_gate,
//     right_projection, right_gate, fastest); projBias [c, 4]; centerScale, centerOffset [c];
//     outW [c, c_z]; outB [c_z]; gateW [c_z, c_z]; gateB [c_z]
//
// Storage types (aliases prepended by the descriptor): z_t, the element type of z and out, and
// lr_t, that of left and right (f32, or f16 for activations stored in half precision); t and the
// weights are f32, and so is all arithmetic.
//
// Row windows: project handles z rows r0 … r0+rows−1 (all N columns of each), contract and
// finish handle output rows i0 … i0+rows−1 (params.r0 is the window start for all three).
// contract needs left/right complete for all N rows of its channels.
// Channel chunks: project and contract may handle channels ch0 … ch0+C−1 only (left/right then
// hold C planes); finish needs all c planes of t. Re-projecting a chunk for a later window reads
// z, so with several chunks and windows the caller keeps the windows' outputs apart from z.
//
// Workgroup layout: WG_X × WG_Y invocations (default 16 × 16), each owning a 4 × 4 register
// tile; K is walked in steps of TILE_K through workgroup tiles tileX (TILE_K × 4·WG_X) and
// tileY (TILE_K × 4·WG_Y), stored as vec4 so one step is two vec4 reads and four vec4 FMAs.
//   project:  workgroup = 4·WG_X pairs × WG_Y channels; invocation (tx, ty) owns pairs
//             4tx … 4tx+3 and the four quantities of channel ty. grid (pair tiles, channel tiles)
//   contract: workgroup = 4·WG_Y rows i × 4·WG_X columns j of one channel. grid (j, i, channel)
//   finish:   workgroup = 4·WG_Y pairs × 4·WG_X output channels. grid (c_z tiles, pair tiles)
// project and finish first compute LayerNorm statistics of their pairs (finish: of z and of t),
// WG_X·WG_Y / (pairs per workgroup) invocations per pair, reduced in workgroup memory (two-pass
// mean, then variance).
// Out-of-range rows, columns and k are zero-filled, so partial tiles need no branch inside the
// inner loop.

override WG_X: u32 = 16;
override WG_Y: u32 = 16;
override TILE_K: u32 = 16;
// 0 outgoing (Algorithm 11), 1 incoming (Algorithm 12).
override ORIENTATION: u32 = 0;

struct Params {
  N: u32,
  // First row of the window (z rows for project, output rows i for contract and finish).
  r0: u32,
  // Rows in the window.
  rows: u32,
  cz: u32,
  // First channel held by left/right (project), channels held by left/right/t.
  ch0: u32,
  chLocal: u32,
  // Total projection channels c (packed weight width / 4).
  cTotal: u32,
  eps: f32,
  lnScale: u32,
  lnOffset: u32,
  proj: u32,
  projBias: u32,
  centerScale: u32,
  centerOffset: u32,
  outW: u32,
  outB: u32,
  gateW: u32,
  gateB: u32,
}

// Binding 0 is the uniform block of every entry point; the storage bindings after it differ per
// entry point (WGSL allows one binding number per entry-point interface).
@group(0) @binding(0) var<uniform> params: Params;

// project and finish read z at binding 1
@group(0) @binding(1) var<storage, read> z: array<z_t>;

// project
@group(0) @binding(2) var<storage, read> pmask: array<f32>;
@group(0) @binding(3) var<storage, read> pweights: array<f32>;
@group(0) @binding(4) var<storage, read_write> pleft: array<lr_t>;
@group(0) @binding(5) var<storage, read_write> pright: array<lr_t>;

// contract
@group(0) @binding(1) var<storage, read> cleft: array<lr_t>;
@group(0) @binding(2) var<storage, read> cright: array<lr_t>;
@group(0) @binding(3) var<storage, read_write> ct: array<f32>;

// finish
@group(0) @binding(2) var<storage, read> ft: array<f32>;
@group(0) @binding(3) var<storage, read> fweights: array<f32>;
@group(0) @binding(4) var<storage, read_write> fout: array<z_t>;

var<workgroup> tileX: array<vec4f, TILE_K * WG_X>;
var<workgroup> tileY: array<vec4f, TILE_K * WG_Y>;
var<workgroup> red: array<f32, WG_X * WG_Y>;
// LayerNorm(z) statistics of a workgroup's pairs: 4·WG_X (project) or 4·WG_Y (finish) ≤ WG_X·WG_Y
var<workgroup> meanZ: array<f32, WG_X * WG_Y>;
var<workgroup> rstdZ: array<f32, WG_X * WG_Y>;
var<workgroup> meanY: array<f32, 4 * WG_Y>;
var<workgroup> rstdY: array<f32, 4 * WG_Y>;

// Sum of the G partials of row `lane` that the workgroup left in `red` (lane + g·P), in order.
fn sumPartials(lane: u32, P: u32, G: u32) -> f32 {
  var t = 0.0;
  for (var g = 0u; g < G; g++) {
    t += red[lane + g * P];
  }
  return t;
}

fn sigmoid(v: f32) -> f32 {
  return 1.0 / (1.0 + exp(-v));
}

// ---------------------------------------------------------------------------------------------
// project: Algorithm 11/12 lines 1–2
// ---------------------------------------------------------------------------------------------

// LayerNorm statistics over c_z of the workgroup's P pairs (pair m ↔ global pair p0 + m, < pEnd)
// into meanZ, rstdZ.
fn zStats(lid: u32, p0: u32, pEnd: u32, P: u32) {
  let G = (WG_X * WG_Y) / P;
  let m = lid % P;
  let q = lid / P;
  let cz = params.cz;
  let p = p0 + m;
  var s = 0.0;
  if (p < pEnd && q < G) {
    for (var k = q; k < cz; k += G) {
      s += f32(z[p * cz + k]);
    }
  }
  red[lid] = s;
  workgroupBarrier();
  if (lid < P) {
    meanZ[lid] = sumPartials(lid, P, G) / f32(cz);
  }
  workgroupBarrier();
  let mean = meanZ[m];
  var v = 0.0;
  if (p < pEnd && q < G) {
    for (var k = q; k < cz; k += G) {
      let d = f32(z[p * cz + k]) - mean;
      v = fma(d, d, v);
    }
  }
  red[lid] = v;
  workgroupBarrier();
  if (lid < P) {
    rstdZ[lid] = inverseSqrt(sumPartials(lid, P, G) / f32(cz) + params.eps);
  }
  workgroupBarrier();
}

@compute @workgroup_size(WG_X, WG_Y, 1)
fn project(
  @builtin(local_invocation_id) lid3: vec3u,
  @builtin(local_invocation_index) lid: u32,
  @builtin(workgroup_id) wid: vec3u,
) {
  let tx = lid3.x;
  let ty = lid3.y;
  let N = params.N;
  let cz = params.cz;
  let P = 4u * WG_X;
  let threads = WG_X * WG_Y;
  // Global pair range of the window and of this workgroup.
  let pStart = params.r0 * N;
  let pEnd = pStart + params.rows * N;
  let p0 = pStart + wid.x * P;
  // Channel (relative to ch0) of this invocation's four quantities.
  let chTile0 = wid.y * WG_Y;

  zStats(lid, p0, pEnd, P);

  var acc0 = vec4f(0.0); // left_projection of pairs 4tx … 4tx+3
  var acc1 = vec4f(0.0); // left_gate
  var acc2 = vec4f(0.0); // right_projection
  var acc3 = vec4f(0.0); // right_gate
  let wWidth = 4u * params.cTotal;

  for (var k0 = 0u; k0 < cz; k0 += TILE_K) {
    // tileX[kk·WG_X + m/4][m%4] = LayerNorm(z)[p0 + m, k0 + kk]  (k fastest: coalesced reads)
    for (var u = lid; u < P * TILE_K; u += threads) {
      let m = u / TILE_K;
      let kk = u % TILE_K;
      let p = p0 + m;
      let k = k0 + kk;
      var v = 0.0;
      if (p < pEnd && k < cz) {
        let xv = (f32(z[p * cz + k]) - meanZ[m]) * rstdZ[m];
        v = fma(xv, pweights[params.lnScale + k], pweights[params.lnOffset + k]);
      }
      tileX[kk * WG_X + (m >> 2u)][m & 3u] = v;
    }
    // tileY[kk·WG_Y + c] = the four packed weights of channel chTile0 + c at row k0 + kk
    for (var u = lid; u < WG_Y * TILE_K; u += threads) {
      let kk = u / WG_Y;
      let c = u % WG_Y;
      let k = k0 + kk;
      let ch = params.ch0 + chTile0 + c;
      var w = vec4f(0.0);
      if (k < cz && chTile0 + c < params.chLocal) {
        let base = params.proj + k * wWidth + 4u * ch;
        w = vec4f(pweights[base], pweights[base + 1u], pweights[base + 2u], pweights[base + 3u]);
      }
      tileY[u] = w;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < TILE_K; kk++) {
      let a = tileX[kk * WG_X + tx];
      let w = tileY[kk * WG_Y + ty];
      acc0 = fma(vec4f(w.x), a, acc0);
      acc1 = fma(vec4f(w.y), a, acc1);
      acc2 = fma(vec4f(w.z), a, acc2);
      acc3 = fma(vec4f(w.w), a, acc3);
    }
    workgroupBarrier();
  }

  let cl = chTile0 + ty;
  if (cl >= params.chLocal) {
    return;
  }
  let bb = params.projBias + 4u * (params.ch0 + cl);
  let bias = vec4f(pweights[bb], pweights[bb + 1u], pweights[bb + 2u], pweights[bb + 3u]);
  let plane = cl * N * N;
  for (var r = 0u; r < 4u; r++) {
    let p = p0 + 4u * tx + r;
    if (p < pEnd) {
      let mk = pmask[p];
      pleft[plane + p] = lr_t(mk * sigmoid(acc1[r] + bias.y) * (acc0[r] + bias.x));
      pright[plane + p] = lr_t(mk * sigmoid(acc3[r] + bias.w) * (acc2[r] + bias.z));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// contract: Algorithm 11/12 line 3
// ---------------------------------------------------------------------------------------------

// Operand A(i, k) of output row i; operand B(j, k) of output column j (channel plane `plane`).
fn loadA(plane: u32, i: u32, k: u32) -> f32 {
  let N = params.N;
  if (ORIENTATION == 0u) {
    return f32(cleft[plane + i * N + k]);
  }
  return f32(cright[plane + k * N + i]);
}

fn loadB(plane: u32, j: u32, k: u32) -> f32 {
  let N = params.N;
  if (ORIENTATION == 0u) {
    return f32(cright[plane + j * N + k]);
  }
  return f32(cleft[plane + k * N + j]);
}

@compute @workgroup_size(WG_X, WG_Y, 1)
fn contract(
  @builtin(local_invocation_id) lid3: vec3u,
  @builtin(local_invocation_index) lid: u32,
  @builtin(workgroup_id) wid: vec3u,
) {
  let tx = lid3.x;
  let ty = lid3.y;
  let N = params.N;
  let threads = WG_X * WG_Y;
  let TI = 4u * WG_Y;
  let TJ = 4u * WG_X;
  let c = wid.z;
  let plane = c * N * N;
  // Window-local first row and global first column of this workgroup.
  let il0 = wid.y * TI;
  let j0 = wid.x * TJ;
  let iEnd = params.rows;

  var acc0 = vec4f(0.0);
  var acc1 = vec4f(0.0);
  var acc2 = vec4f(0.0);
  var acc3 = vec4f(0.0);

  for (var k0 = 0u; k0 < N; k0 += TILE_K) {
    // Reads run along k for outgoing (row-major operands), along i / j for incoming.
    for (var u = lid; u < TI * TILE_K; u += threads) {
      var r: u32;
      var kk: u32;
      if (ORIENTATION == 0u) {
        r = u / TILE_K;
        kk = u % TILE_K;
      } else {
        kk = u / TI;
        r = u % TI;
      }
      let il = il0 + r;
      let k = k0 + kk;
      var v = 0.0;
      if (il < iEnd && k < N) {
        v = loadA(plane, params.r0 + il, k);
      }
      tileY[kk * WG_Y + (r >> 2u)][r & 3u] = v;
    }
    for (var u = lid; u < TJ * TILE_K; u += threads) {
      var r: u32;
      var kk: u32;
      if (ORIENTATION == 0u) {
        r = u / TILE_K;
        kk = u % TILE_K;
      } else {
        kk = u / TJ;
        r = u % TJ;
      }
      let j = j0 + r;
      let k = k0 + kk;
      var v = 0.0;
      if (j < N && k < N) {
        v = loadB(plane, j, k);
      }
      tileX[kk * WG_X + (r >> 2u)][r & 3u] = v;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < TILE_K; kk++) {
      let a = tileY[kk * WG_Y + ty];
      let b = tileX[kk * WG_X + tx];
      acc0 = fma(vec4f(a.x), b, acc0);
      acc1 = fma(vec4f(a.y), b, acc1);
      acc2 = fma(vec4f(a.z), b, acc2);
      acc3 = fma(vec4f(a.w), b, acc3);
    }
    workgroupBarrier();
  }

  // Row by row with the register tile's rows as named values (no dynamic indexing of a private
  // array, which can push accumulators out of registers).
  let tPlane = (params.ch0 + c) * params.rows * N;
  storeT(tPlane, il0 + 4u * ty, j0 + 4u * tx, acc0);
  storeT(tPlane, il0 + 4u * ty + 1u, j0 + 4u * tx, acc1);
  storeT(tPlane, il0 + 4u * ty + 2u, j0 + 4u * tx, acc2);
  storeT(tPlane, il0 + 4u * ty + 3u, j0 + 4u * tx, acc3);
}

// t[c, il, j … j+3] = acc (in-range entries only).
fn storeT(tPlane: u32, il: u32, j: u32, acc: vec4f) {
  let N = params.N;
  if (il >= params.rows) {
    return;
  }
  for (var q = 0u; q < 4u; q++) {
    if (j + q < N) {
      ct[tPlane + il * N + j + q] = acc[q];
    }
  }
}

// ---------------------------------------------------------------------------------------------
// finish: Algorithm 11/12 line 4 and the residual add
// ---------------------------------------------------------------------------------------------

// LayerNorm statistics over the cTotal channels of t for the workgroup's 4·WG_Y window pairs
// (pair m ↔ window-local pair q0 + m; t is channel-major, so lanes read consecutive pairs).
fn finishStats(lid: u32, q0: u32, qEnd: u32) {
  let P = 4u * WG_Y;
  let G = (WG_X * WG_Y) / P;
  let m = lid % P;
  let g0 = lid / P;
  let C = params.cTotal;
  let stride = params.rows * params.N;
  let q = q0 + m;
  var s = 0.0;
  if (q < qEnd && g0 < G) {
    for (var c = g0; c < C; c += G) {
      s += ft[c * stride + q];
    }
  }
  red[lid] = s;
  workgroupBarrier();
  if (lid < P) {
    meanY[lid] = sumPartials(lid, P, G) / f32(C);
  }
  workgroupBarrier();
  let mean = meanY[m];
  var v = 0.0;
  if (q < qEnd && g0 < G) {
    for (var c = g0; c < C; c += G) {
      let d = ft[c * stride + q] - mean;
      v = fma(d, d, v);
    }
  }
  red[lid] = v;
  workgroupBarrier();
  if (lid < P) {
    rstdY[lid] = inverseSqrt(sumPartials(lid, P, G) / f32(C) + params.eps);
  }
  workgroupBarrier();
}

fn weights4(base: u32, f: u32, cz: u32) -> vec4f {
  var w = vec4f(0.0);
  for (var q = 0u; q < 4u; q++) {
    if (f + q < cz) {
      w[q] = fweights[base + f + q];
    }
  }
  return w;
}

@compute @workgroup_size(WG_X, WG_Y, 1)
fn finish(
  @builtin(local_invocation_id) lid3: vec3u,
  @builtin(local_invocation_index) lid: u32,
  @builtin(workgroup_id) wid: vec3u,
) {
  let tx = lid3.x;
  let ty = lid3.y;
  let N = params.N;
  let cz = params.cz;
  let C = params.cTotal;
  let threads = WG_X * WG_Y;
  let P = 4u * WG_Y;
  let TF = 4u * WG_X;
  let stride = params.rows * N;
  let q0 = wid.y * P;
  let qEnd = stride;
  let pBase = params.r0 * N;
  let f0 = wid.x * TF;

  finishStats(lid, q0, qEnd);
  zStats(lid, pBase + q0, pBase + qEnd, P);

  // out = LayerNorm(t) · W_out; four pairs (4ty …) × four channels (f0 + 4tx …) per invocation
  var o0 = vec4f(0.0);
  var o1 = vec4f(0.0);
  var o2 = vec4f(0.0);
  var o3 = vec4f(0.0);
  for (var k0 = 0u; k0 < C; k0 += TILE_K) {
    for (var u = lid; u < P * TILE_K; u += threads) {
      let kk = u / P;
      let m = u % P;
      let q = q0 + m;
      let c = k0 + kk;
      var v = 0.0;
      if (q < qEnd && c < C) {
        let tn = (ft[c * stride + q] - meanY[m]) * rstdY[m];
        v = fma(tn, fweights[params.centerScale + c], fweights[params.centerOffset + c]);
      }
      tileY[kk * WG_Y + (m >> 2u)][m & 3u] = v;
    }
    for (var u = lid; u < WG_X * TILE_K; u += threads) {
      let kk = u / WG_X;
      let fq = u % WG_X;
      let c = k0 + kk;
      var w = vec4f(0.0);
      if (c < C) {
        w = weights4(params.outW + c * cz, f0 + 4u * fq, cz);
      }
      tileX[u] = w;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < TILE_K; kk++) {
      let a = tileY[kk * WG_Y + ty];
      let w = tileX[kk * WG_X + tx];
      o0 = fma(vec4f(a.x), w, o0);
      o1 = fma(vec4f(a.y), w, o1);
      o2 = fma(vec4f(a.z), w, o2);
      o3 = fma(vec4f(a.w), w, o3);
    }
    workgroupBarrier();
  }

  // gate = x · W_gate, x = LayerNorm(z) of the window's pairs
  var g0 = vec4f(0.0);
  var g1 = vec4f(0.0);
  var g2 = vec4f(0.0);
  var g3 = vec4f(0.0);
  for (var k0 = 0u; k0 < cz; k0 += TILE_K) {
    for (var u = lid; u < P * TILE_K; u += threads) {
      let m = u / TILE_K;
      let kk = u % TILE_K;
      let q = q0 + m;
      let k = k0 + kk;
      var v = 0.0;
      if (q < qEnd && k < cz) {
        let xv = (f32(z[(pBase + q) * cz + k]) - meanZ[m]) * rstdZ[m];
        v = fma(xv, fweights[params.lnScale + k], fweights[params.lnOffset + k]);
      }
      tileY[kk * WG_Y + (m >> 2u)][m & 3u] = v;
    }
    for (var u = lid; u < WG_X * TILE_K; u += threads) {
      let kk = u / WG_X;
      let fq = u % WG_X;
      let k = k0 + kk;
      var w = vec4f(0.0);
      if (k < cz) {
        w = weights4(params.gateW + k * cz, f0 + 4u * fq, cz);
      }
      tileX[u] = w;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < TILE_K; kk++) {
      let a = tileY[kk * WG_Y + ty];
      let w = tileX[kk * WG_X + tx];
      g0 = fma(vec4f(a.x), w, g0);
      g1 = fma(vec4f(a.y), w, g1);
      g2 = fma(vec4f(a.z), w, g2);
      g3 = fma(vec4f(a.w), w, g3);
    }
    workgroupBarrier();
  }

  let fb = f0 + 4u * tx;
  let outB = weights4(params.outB, fb, cz);
  let gateB = weights4(params.gateB, fb, cz);
  let q = q0 + 4u * ty;
  addUpdate(q, fb, o0, g0, outB, gateB);
  addUpdate(q + 1u, fb, o1, g1, outB, gateB);
  addUpdate(q + 2u, fb, o2, g2, outB, gateB);
  addUpdate(q + 3u, fb, o3, g3, outB, gateB);
}

// out[window pair q, f … f+3] = z + (o + outB) ⊙ sigmoid(g + gateB)  (in-range entries only).
fn addUpdate(q: u32, f: u32, o: vec4f, g: vec4f, outB: vec4f, gateB: vec4f) {
  let cz = params.cz;
  if (q >= params.rows * params.N) {
    return;
  }
  let update = (o + outB) / (vec4f(1.0) + exp(-(g + gateB)));
  let zBase = (params.r0 * params.N + q) * cz;
  for (var j = 0u; j < 4u; j++) {
    if (f + j < cz) {
      fout[q * cz + f + j] = z_t(f32(z[zBase + f + j]) + update[j]);
    }
  }
}

