// attention.wgsl — fused gated multi-head attention core with additive bias and online softmax
// (flash-attention style: the [L_q, L_k] logits of a (batch, head) are never written anywhere).
//
// Purpose: the attention core of AF2 supplement Alg. 7 (MSA row attention with pair bias, lines
// 4–6), Alg. 8 (MSA column attention, lines 3–5), Alg. 13/14 (triangle attention starting/ending
// node, lines 4–6) and Alg. 17 (template pointwise attention, lines 3–5, ungated). The q/k/v/gate
// projections before and the output projection after are matmuls (shaders/matmul.wgsl).
//
//   s[b,h,i,j] = scale · Σ_c q[b,i,h,c] k[b,j,h,c]  (+ bias[i,j,h] if HAS_BIAS)
//   m[b,j]     = 1e9 · (mask[b,j] − 1)             (0 if !HAS_MASK)
//   a[b,h,i,:] = softmax_j(s[b,h,i,j] + m[b,j])
//   out[b,i,h,c] = (sigmoid(g[b,i,h,c]) if HAS_GATE) · Σ_j a[b,h,i,j] v[b,j,h,c]
//
// Masks: the mask bias is kept apart from s as a "level" (0 unmasked, −1e9 masked, −4e9 for key
// slots past L_k) and the running maximum is lexicographic in (level, s). Differences of levels
// are exact in f32, so the result is the exact-arithmetic limit of AF2's formula, which is what
// the f64 CPU reference computes: masked keys get weight exactly 0 when any key is unmasked, and
// a fully masked row (all levels −1e9) is the softmax of s over all keys (the −1e9 shift cancels).
// DISCREPANCY: AF2 in f32 (JAX) adds −1e9 to s directly, which rounds s away (ulp(1e9) = 64), so a
// fully masked row becomes (nearly) uniform there; we follow the exact form / the CPU reference.
// Masks are expected to hold 0 or 1.
//
// Layout: every tensor is addressed through strides (runtime, in `params`), channels contiguous:
//   q, g, out  [b, i, h, c] at off + b·SB + i·SL + h·SH + c     (i: query, c < HEAD_DIM)
//   k, v       [b, j, h, c] at off + b·SB + j·SL + h·SH + c     (j: key)
//   bias       [i, j, h]    at off + i·SQ + j·SK + h·SH          (shared by every b)
//   mask       [b, j]       at off + b·SB + j·SK                  (SB = 0: shared by every b)
// so MSA column attention (batch = residues over an [N_seq, N_res, H, C] projection), the
// ending-node triangle attention (transposed orientation) and template attention (keys from
// [N_templ, N_res², H, C]) are the same kernel with other strides, never a copy.
//
// Bindings (group 0):
//   0 q      read   array<vec4f>  (whole-vec4 loads when VEC4: HEAD_DIM, strides, offsets % 4 = 0;
//   1 k      read   array<vec4f>   otherwise component loads, any HEAD_DIM ≤ 32)
//   2 v      read   array<vec4f>
//   3 g      read   array<vec4f>  gate pre-activations (dummy when !HAS_GATE)
//   4 bias   read   array<f32>    (dummy when !HAS_BIAS)
//   5 mask   read   array<f32>    (dummy when !HAS_MASK)
//   6 out    write  array<f32>    must not alias the inputs
//   7 params uniform Params
//
// Workgroup layout, entry point `main` (tiled, for L_q ≥ ~16):
//   QT invocations (one per query, default 64); workgroup g = wid.x + wid.y · gridX handles query
//   tile g % qTiles of head (g / qTiles) % H of batch g / (qTiles · H). Invocation t owns query
//   i = tile · QT + t: its scaled q row and its f32 output accumulator (≤ 32 floats each) and its
//   running (max level, max s, sum) live in registers. Keys are streamed in tiles of TK: the
//   workgroup cooperatively loads K and V [TK, HEAD_DIM] (vec4), the mask levels [TK] and the
//   bias tile [QT, TK] (row pitch TK + 1 against bank conflicts; lanes walk whichever of i or j
//   has the smaller stride, so the load is coalesced for either orientation) into workgroup
//   memory; one barrier, then each invocation walks the tile's keys with an online softmax
//   (logit, running-max update with a rare rescale, p·v into its accumulator); one barrier before
//   the next tile load.
//   Invocations past L_q load but write nothing.
// Entry point `direct` (for tiny L_q, e.g. template attention with L_q = 1, or L_q = 1 MSAs):
//   QT invocations, each one (b, i, h) row (h fastest), no workgroup memory and no barriers; keys
//   are read straight from memory with a per-key online softmax update.
//
// Precision: f32 storage and f32 accumulation. f16 storage later only changes the load helpers
// (ldQ/ldK/ldV/ldG and the bias/mask reads); logits, softmax state and p·v stay f32.

const MAX_D4: u32 = 8u; // HEAD_DIM ≤ 32
const LEVEL_ABSENT: f32 = -4e9; // key slot past L_k in a partial tile
const LEVEL_INIT: f32 = -8e9; // running maximum before any key

override HEAD_DIM: u32 = 32u;
// Invocations per workgroup (queries per tile in `main`).
override QT: u32 = 64u;
// Keys per tile; `main` only.
override TK: u32 = 32u;
override HAS_BIAS: bool = true;
override HAS_MASK: bool = true;
override HAS_GATE: bool = true;
override VEC4: bool = false;

override D4: u32 = (HEAD_DIM + 3u) / 4u;
override BIAS_PITCH: u32 = TK + 1u;
override BIAS_TILE: u32 = select(1u, QT * (TK + 1u), HAS_BIAS);

struct Params {
  batch: u32,
  Lq: u32,
  Lk: u32,
  heads: u32,
  qOff: u32,
  qSB: u32,
  qSL: u32,
  qSH: u32,
  kOff: u32,
  kSB: u32,
  kSL: u32,
  kSH: u32,
  vOff: u32,
  vSB: u32,
  vSL: u32,
  vSH: u32,
  gOff: u32,
  gSB: u32,
  gSL: u32,
  gSH: u32,
  oOff: u32,
  oSB: u32,
  oSL: u32,
  oSH: u32,
  bOff: u32,
  bSQ: u32,
  bSK: u32,
  bSH: u32,
  mOff: u32,
  mSB: u32,
  mSK: u32,
  gridX: u32,
  scale: f32,
  qTiles: u32,
  _pad0: u32,
  _pad1: u32,
}

@group(0) @binding(0) var<storage, read> qBuf: array<vec4f>;
@group(0) @binding(1) var<storage, read> kBuf: array<vec4f>;
@group(0) @binding(2) var<storage, read> vBuf: array<vec4f>;
@group(0) @binding(3) var<storage, read> gBuf: array<vec4f>;
@group(0) @binding(4) var<storage, read> bias: array<f32>;
@group(0) @binding(5) var<storage, read> mask: array<f32>;
@group(0) @binding(6) var<storage, read_write> out: array<f32>;
@group(0) @binding(7) var<uniform> params: Params;

// K and V of the current key tile: [TK, D4] vec4, zero past L_k.
var<workgroup> kTile: array<vec4f, TK * D4>;
var<workgroup> vTile: array<vec4f, TK * D4>;
// Bias of the current tile: [QT, BIAS_PITCH] (one element when !HAS_BIAS).
var<workgroup> bTile: array<f32, BIAS_TILE>;
// Mask level per key of the current tile.
var<workgroup> mTile: array<f32, TK>;

// Channels c4·4 … c4·4+3 of a row starting at `flat`; channels ≥ HEAD_DIM read as 0.
fn ldQ(flat: u32, c4: u32) -> vec4f {
  let f = flat + c4 * 4u;
  if (VEC4) {
    return qBuf[f >> 2u];
  }
  var r = vec4f(0.0);
  for (var j = 0u; j < 4u; j++) {
    if (c4 * 4u + j < HEAD_DIM) {
      r[j] = qBuf[(f + j) >> 2u][(f + j) & 3u];
    }
  }
  return r;
}

fn ldK(flat: u32, c4: u32) -> vec4f {
  let f = flat + c4 * 4u;
  if (VEC4) {
    return kBuf[f >> 2u];
  }
  var r = vec4f(0.0);
  for (var j = 0u; j < 4u; j++) {
    if (c4 * 4u + j < HEAD_DIM) {
      r[j] = kBuf[(f + j) >> 2u][(f + j) & 3u];
    }
  }
  return r;
}

fn ldV(flat: u32, c4: u32) -> vec4f {
  let f = flat + c4 * 4u;
  if (VEC4) {
    return vBuf[f >> 2u];
  }
  var r = vec4f(0.0);
  for (var j = 0u; j < 4u; j++) {
    if (c4 * 4u + j < HEAD_DIM) {
      r[j] = vBuf[(f + j) >> 2u][(f + j) & 3u];
    }
  }
  return r;
}

fn ldG(flat: u32, c4: u32) -> vec4f {
  let f = flat + c4 * 4u;
  if (VEC4) {
    return gBuf[f >> 2u];
  }
  var r = vec4f(0.0);
  for (var j = 0u; j < 4u; j++) {
    if (c4 * 4u + j < HEAD_DIM) {
      r[j] = gBuf[(f + j) >> 2u][(f + j) & 3u];
    }
  }
  return r;
}

// Mask level of key j of batch b: 0 attended, −1e9 masked (AF2's 1e9 · (mask − 1)).
fn maskLevel(b: u32, j: u32) -> f32 {
  if (HAS_MASK) {
    return 1e9 * (mask[params.mOff + b * params.mSB + j * params.mSK] - 1.0);
  }
  return 0.0;
}

// (la, sa) > (lb, sb) lexicographically.
fn lexGreater(la: f32, sa: f32, lb: f32, sb: f32) -> bool {
  return la > lb || (la == lb && sa > sb);
}

// exp of (level, s) relative to the maximum (lm, sm); level differences are exact.
fn relExp(l: f32, s: f32, lm: f32, sm: f32) -> f32 {
  return exp((l - lm) + (s - sm));
}

// The scaled q row of (b, i, h).
fn loadQRow(b: u32, i: u32, h: u32) -> array<vec4f, MAX_D4> {
  var qr: array<vec4f, MAX_D4>;
  let base = params.qOff + b * params.qSB + i * params.qSL + h * params.qSH;
  for (var c4 = 0u; c4 < D4; c4++) {
    qr[c4] = ldQ(base, c4) * params.scale;
  }
  return qr;
}

// out[b, i, h, :] = (sigmoid(g) ⊙) acc / sum.
fn writeRow(b: u32, i: u32, h: u32, acc: array<vec4f, MAX_D4>, sum: f32) {
  let inv = select(0.0, 1.0 / sum, sum > 0.0);
  let gBase = params.gOff + b * params.gSB + i * params.gSL + h * params.gSH;
  let oBase = params.oOff + b * params.oSB + i * params.oSL + h * params.oSH;
  for (var c4 = 0u; c4 < D4; c4++) {
    var o = acc[c4] * inv;
    if (HAS_GATE) {
      o *= 1.0 / (1.0 + exp(-ldG(gBase, c4)));
    }
    for (var j = 0u; j < 4u; j++) {
      if (c4 * 4u + j < HEAD_DIM) {
        out[oBase + c4 * 4u + j] = o[j];
      }
    }
  }
}

@compute @workgroup_size(QT)
fn main(@builtin(local_invocation_index) t: u32, @builtin(workgroup_id) wid: vec3u) {
  let group = wid.x + wid.y * params.gridX;
  let tiles = params.qTiles;
  if (group >= tiles * params.heads * params.batch) {
    return;
  }
  let h = (group / tiles) % params.heads;
  let b = group / (tiles * params.heads);
  let q0 = (group % tiles) * QT;
  let i = q0 + t;
  let live = i < params.Lq;

  var qr: array<vec4f, MAX_D4>;
  if (live) {
    qr = loadQRow(b, i, h);
  }
  var acc: array<vec4f, MAX_D4>;
  var runL = LEVEL_INIT;
  var runS = 0.0;
  var sum = 0.0;
  let kFast = params.bSK <= params.bSQ;

  for (var k0 = 0u; k0 < params.Lk; k0 += TK) {
    // Cooperative tile loads.
    for (var u = t; u < TK * D4; u += QT) {
      let j = k0 + u / D4;
      let c4 = u % D4;
      var kv = vec4f(0.0);
      var vv = vec4f(0.0);
      if (j < params.Lk) {
        kv = ldK(params.kOff + b * params.kSB + j * params.kSL + h * params.kSH, c4);
        vv = ldV(params.vOff + b * params.vSB + j * params.vSL + h * params.vSH, c4);
      }
      kTile[u] = kv;
      vTile[u] = vv;
    }
    for (var u = t; u < TK; u += QT) {
      var level = LEVEL_ABSENT;
      if (k0 + u < params.Lk) {
        level = maskLevel(b, k0 + u);
      }
      mTile[u] = level;
    }
    if (HAS_BIAS) {
      for (var u = t; u < QT * TK; u += QT) {
        var r: u32;
        var jj: u32;
        if (kFast) {
          r = u / TK;
          jj = u % TK;
        } else {
          r = u % QT;
          jj = u / QT;
        }
        let qi = q0 + r;
        let kj = k0 + jj;
        var x = 0.0;
        if (qi < params.Lq && kj < params.Lk) {
          x = bias[params.bOff + qi * params.bSQ + kj * params.bSK + h * params.bSH];
        }
        bTile[r * BIAS_PITCH + jj] = x;
      }
    }
    workgroupBarrier();

    // Online softmax over the keys of this tile. The bound is a runtime value on purpose: it
    // skips the empty slots of a partial last tile, and a fully unrolled key loop makes software
    // Vulkan (llvmpipe) compile for tens of seconds. The rescale branch runs only when the
    // running maximum grows (O(log L_k) times per row for unordered logits).
    let tileKeys = min(TK, params.Lk - k0);
    for (var j = 0u; j < tileKeys; j++) {
      var dot = vec4f(0.0);
      for (var c4 = 0u; c4 < D4; c4++) {
        dot = fma(qr[c4], kTile[j * D4 + c4], dot);
      }
      var sj = dot.x + dot.y + dot.z + dot.w;
      if (HAS_BIAS) {
        sj += bTile[t * BIAS_PITCH + j];
      }
      let lj = mTile[j];
      if (lexGreater(lj, sj, runL, runS)) {
        let alpha = relExp(runL, runS, lj, sj);
        sum *= alpha;
        for (var c4 = 0u; c4 < D4; c4++) {
          acc[c4] *= alpha;
        }
        runL = lj;
        runS = sj;
      }
      let p = relExp(lj, sj, runL, runS);
      sum += p;
      for (var c4 = 0u; c4 < D4; c4++) {
        acc[c4] = fma(vec4f(p), vTile[j * D4 + c4], acc[c4]);
      }
    }
    workgroupBarrier();
  }

  if (live) {
    writeRow(b, i, h, acc, sum);
  }
}

@compute @workgroup_size(QT)
fn direct(@builtin(local_invocation_index) t: u32, @builtin(workgroup_id) wid: vec3u) {
  let row = (wid.x + wid.y * params.gridX) * QT + t;
  if (row >= params.batch * params.Lq * params.heads) {
    return;
  }
  let h = row % params.heads;
  let i = (row / params.heads) % params.Lq;
  let b = row / (params.heads * params.Lq);

  let qr = loadQRow(b, i, h);
  var acc: array<vec4f, MAX_D4>;
  var runL = LEVEL_INIT;
  var runS = 0.0;
  var sum = 0.0;
  for (var j = 0u; j < params.Lk; j++) {
    let kBase = params.kOff + b * params.kSB + j * params.kSL + h * params.kSH;
    var dot = vec4f(0.0);
    for (var c4 = 0u; c4 < D4; c4++) {
      dot = fma(qr[c4], ldK(kBase, c4), dot);
    }
    var sj = dot.x + dot.y + dot.z + dot.w;
    if (HAS_BIAS) {
      sj += bias[params.bOff + i * params.bSQ + j * params.bSK + h * params.bSH];
    }
    let lj = maskLevel(b, j);
    if (lexGreater(lj, sj, runL, runS)) {
      let alpha = relExp(runL, runS, lj, sj);
      sum *= alpha;
      for (var c4 = 0u; c4 < D4; c4++) {
        acc[c4] *= alpha;
      }
      runL = lj;
      runS = sj;
    }
    let p = relExp(lj, sj, runL, runS);
    sum += p;
    let vBase = params.vOff + b * params.vSB + j * params.vSL + h * params.vSH;
    for (var c4 = 0u; c4 < D4; c4++) {
      acc[c4] = fma(vec4f(p), ldV(vBase, c4), acc[c4]);
    }
  }
  writeRow(b, i, h, acc, sum);
}
