// global_attention.wgsl — MSA column global attention core (AF2 supplement Alg. 19, lines 2–7).
//
// Per batch b (a residue column of the extra MSA), over its S sequences:
//   qm[h,c]   = scale · Σ_s mask[b,s] q[b,s,h,c] / (Σ_s mask[b,s] + eps)     (line 2–3: the query is
//               the masked mean over sequences; mean and projection commute, so q is the per-
//               sequence projection and the mean is taken here)
//   a[h,s]    = softmax_s(qm[h]·k[b,s] + 1e9 (mask[b,s] − 1))                (line 5; one key head)
//   o[h,c]    = Σ_s a[h,s] v[b,s,c]                                           (line 6; one value head)
//   out[b,s,h,c] = (sigmoid(g[b,s,h,c]) if HAS_GATE) · o[h,c]                 (line 7, every s)
// The output projection (line 8) is a matmul. Masks use the same exact level scheme as
// attention.wgsl: a fully masked column is the softmax of the unmasked logits (the f64 reference).
//
// Layout (runtime strides in `params`, channels contiguous):
//   q, g, out [b, s, h, c] at off + b·SB + s·SL + h·SH + c      (c < HEAD_DIM)
//   k, v      [b, s, c]    at off + b·SB + s·SL + c
//   mask      [b, s]       at off + b·SB + s·SK
// e.g. the extra MSA [N_seq, N_res, c] projected in place: batch = residues (SB = row width),
// s = sequences (SL = N_res · row width); no transposes.
//
// Bindings (group 0):
//   0 q      read   array<vec4f>  (whole vec4 loads when VEC4: HEAD_DIM, strides, offsets % 4 = 0)
//   1 k      read   array<vec4f>
//   2 v      read   array<vec4f>
//   3 g      read   array<f32>    gate pre-activations (dummy when !HAS_GATE)
//   4 mask   read   array<f32>    1 attend, 0 masked
//   5 out    write  array<f32>
//   6 params uniform Params
//
// Workgroup layout: WG invocations (default 64), one workgroup per batch b (g = wid.x + wid.y·gridX).
//   1. invocations stride over the HEADS·HEAD_DIM query channels, each summing its channel over
//      the S sequences (coalesced), into workgroup memory; barrier.
//   2. HEADS·PARTS units (PARTS = WG / HEADS): unit (h, p) runs an online softmax for head h over
//      sequences s ≡ p (mod PARTS), k/v rows read once per unit (units sharing p read the same
//      row: broadcast); partial (level, max, sum, Σ p·v) into workgroup memory; barrier.
//   3. HEADS·D4 invocations merge the PARTS partials of their head and 4 channels; barrier.
//   4. invocations stride over S·HEADS·HEAD_DIM outputs (coalesced), gating each.
// f32 throughout; f16 storage later only changes the loads.

const MAX_D4: u32 = 8u; // HEAD_DIM ≤ 32
const LEVEL_INIT: f32 = -8e9;

override HEAD_DIM: u32 = 8u;
override HEADS: u32 = 8u;
override WG: u32 = 64u;
override HAS_GATE: bool = true;
override VEC4: bool = false;

override D4: u32 = (HEAD_DIM + 3u) / 4u;
override PARTS: u32 = max(1u, WG / HEADS);

struct Params {
  batch: u32,
  S: u32,
  gridX: u32,
  _pad0: u32,
  qOff: u32,
  qSB: u32,
  qSL: u32,
  qSH: u32,
  kOff: u32,
  kSB: u32,
  kSL: u32,
  vOff: u32,
  vSB: u32,
  vSL: u32,
  gOff: u32,
  gSB: u32,
  gSL: u32,
  gSH: u32,
  oOff: u32,
  oSB: u32,
  oSL: u32,
  oSH: u32,
  mOff: u32,
  mSB: u32,
  mSK: u32,
  scale: f32,
  eps: f32,
  _pad1: u32,
}

@group(0) @binding(0) var<storage, read> qBuf: array<vec4f>;
@group(0) @binding(1) var<storage, read> kBuf: array<vec4f>;
@group(0) @binding(2) var<storage, read> vBuf: array<vec4f>;
@group(0) @binding(3) var<storage, read> gate: array<f32>;
@group(0) @binding(4) var<storage, read> mask: array<f32>;
@group(0) @binding(5) var<storage, read_write> out: array<f32>;
@group(0) @binding(6) var<uniform> params: Params;

// Scaled mean query [HEADS, D4 · 4], zero past HEAD_DIM.
var<workgroup> qMean: array<f32, HEADS * D4 * 4u>;
// Partial softmax state per unit (h, p) = h + HEADS · p.
var<workgroup> partLevel: array<f32, HEADS * PARTS>;
var<workgroup> partMax: array<f32, HEADS * PARTS>;
var<workgroup> partSum: array<f32, HEADS * PARTS>;
var<workgroup> partAcc: array<vec4f, HEADS * PARTS * D4>;
// o[h, c4]
var<workgroup> oTile: array<vec4f, HEADS * D4>;

fn qAt(flat: u32) -> f32 {
  return qBuf[flat >> 2u][flat & 3u];
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

fn maskAt(b: u32, s: u32) -> f32 {
  return mask[params.mOff + b * params.mSB + s * params.mSK];
}

fn lexGreater(la: f32, sa: f32, lb: f32, sb: f32) -> bool {
  return la > lb || (la == lb && sa > sb);
}

fn relExp(l: f32, s: f32, lm: f32, sm: f32) -> f32 {
  return exp((l - lm) + (s - sm));
}

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) t: u32, @builtin(workgroup_id) wid: vec3u) {
  let b = wid.x + wid.y * params.gridX;
  if (b >= params.batch) {
    return;
  }
  let S = params.S;

  // 1. Masked mean query.
  let width = D4 * 4u;
  for (var u = t; u < HEADS * width; u += WG) {
    let h = u / width;
    let c = u % width;
    var sum = 0.0;
    var count = 0.0;
    if (c < HEAD_DIM) {
      let base = params.qOff + b * params.qSB + h * params.qSH + c;
      for (var s = 0u; s < S; s++) {
        let m = maskAt(b, s);
        count += m;
        sum = fma(m, qAt(base + s * params.qSL), sum);
      }
    }
    qMean[u] = sum / (count + params.eps) * params.scale;
  }
  workgroupBarrier();

  // 2. Online softmax per (head, part).
  for (var unit = t; unit < HEADS * PARTS; unit += WG) {
    let h = unit % HEADS;
    let p = unit / HEADS;
    var qv: array<vec4f, MAX_D4>;
    for (var c4 = 0u; c4 < D4; c4++) {
      let o = (h * D4 + c4) * 4u;
      qv[c4] = vec4f(qMean[o], qMean[o + 1u], qMean[o + 2u], qMean[o + 3u]);
    }
    var acc: array<vec4f, MAX_D4>;
    var runL = LEVEL_INIT;
    var runS = 0.0;
    var sum = 0.0;
    for (var s = p; s < S; s += PARTS) {
      let kBase = params.kOff + b * params.kSB + s * params.kSL;
      var dot = vec4f(0.0);
      for (var c4 = 0u; c4 < D4; c4++) {
        dot = fma(qv[c4], ldK(kBase, c4), dot);
      }
      let sj = dot.x + dot.y + dot.z + dot.w;
      let lj = 1e9 * (maskAt(b, s) - 1.0);
      if (lexGreater(lj, sj, runL, runS)) {
        let alpha = relExp(runL, runS, lj, sj);
        sum *= alpha;
        for (var c4 = 0u; c4 < D4; c4++) {
          acc[c4] *= alpha;
        }
        runL = lj;
        runS = sj;
      }
      let e = relExp(lj, sj, runL, runS);
      sum += e;
      let vBase = params.vOff + b * params.vSB + s * params.vSL;
      for (var c4 = 0u; c4 < D4; c4++) {
        acc[c4] = fma(vec4f(e), ldV(vBase, c4), acc[c4]);
      }
    }
    partLevel[unit] = runL;
    partMax[unit] = runS;
    partSum[unit] = sum;
    for (var c4 = 0u; c4 < D4; c4++) {
      partAcc[unit * D4 + c4] = acc[c4];
    }
  }
  workgroupBarrier();

  // 3. Merge the parts of each head.
  for (var u = t; u < HEADS * D4; u += WG) {
    let h = u / D4;
    let c4 = u % D4;
    // Parts past S saw no sequence. A runtime bound also keeps llvmpipe from unrolling.
    let parts = min(PARTS, params.S);
    var mL = LEVEL_INIT;
    var mS = 0.0;
    for (var p = 0u; p < parts; p++) {
      let unit = h + HEADS * p;
      if (lexGreater(partLevel[unit], partMax[unit], mL, mS)) {
        mL = partLevel[unit];
        mS = partMax[unit];
      }
    }
    var total = 0.0;
    var acc = vec4f(0.0);
    for (var p = 0u; p < parts; p++) {
      let unit = h + HEADS * p;
      let e = relExp(partLevel[unit], partMax[unit], mL, mS);
      total += partSum[unit] * e;
      acc = fma(vec4f(e), partAcc[unit * D4 + c4], acc);
    }
    oTile[u] = acc * select(0.0, 1.0 / total, total > 0.0);
  }
  workgroupBarrier();

  // 4. Gate and write every sequence of the column.
  let hc = HEADS * HEAD_DIM;
  for (var u = t; u < S * hc; u += WG) {
    let s = u / hc;
    let r = u % hc;
    let h = r / HEAD_DIM;
    let c = r % HEAD_DIM;
    var o = oTile[h * D4 + c / 4u][c % 4u];
    if (HAS_GATE) {
      let gv = gate[params.gOff + b * params.gSB + s * params.gSL + h * params.gSH + c];
      o *= 1.0 / (1.0 + exp(-gv));
    }
    out[params.oOff + b * params.oSB + s * params.oSL + h * params.oSH + c] = o;
  }
}
