// heads.wgsl — the confidence heads' reductions (AF2 supplement section 1.9.6–1.9.7; AF2
// `confidence.compute_plddt`, `compute_predicted_aligned_error`, `predicted_tm_score`).
// Three entry points share this module:
//
// plddt_expectation  (Algorithm 29 line 4 onwards)
//   pLDDT_i = 100 · Σ_b softmax(logits_i)_b · (b + ½)/NBINS
//   bindings: 0 logits [N, NBINS] read · 1 plddt [N] write · 2 params uniform (N)
//   layout: WG invocations, one residue each; grid [⌈N/WG⌉, 1, 1]
//
// pae_tm  (section 1.9.7: the PAE head's Linear fused with its softmax, so the [N, N, NBINS]
//          logits are never stored); z is stored as z_t (an alias prepended by the descriptor:
//          f32, or f16 storage), arithmetic is f32
//   logits_ij = z_ij · W + b;  p = softmax(logits_ij)
//   PAE_ij = Σ_b p_b · centre_b;   tm_ij = Σ_b p_b / (1 + (centre_b / d0)²)
//   centre_b = (b + ½)·step for b < NBINS − 1, the last one step further; step = max_bin/(NBINS−2)
//   bindings: 0 z [N·N, CZ] read · 1 w [CZ, NBINS] read · 2 b [NBINS] read ·
//             3 pae [N·N] write · 4 tm [N·N] write · 5 params uniform (pairs, gridX, max_bin, d0)
//   layout: NBINS invocations (one bin each) × PAIRS pairs per workgroup; the flat workgroup
//           count folded into [min(g, 65535), ⌈g/65535⌉, 1]
//
// ptm_reduce
//   pTM = max_i Σ_j tm_ij / (1e-8 + N)   (residue weights all 1, as AF2 inference)
//   bindings: 0 tm [N·N] read · 1 out [2] write (pTM, max PAE = last bin centre) ·
//             2 params uniform (N, max_bin, NBINS)
//   layout: one workgroup of WG invocations, rows strided by WG; grid [1, 1, 1]

override WG: u32 = 64;
override NBINS: u32 = 64;
override CZ: u32 = 128;

const PAIRS: u32 = 16u;

struct Params {
  a: u32,
  b: u32,
  c: f32,
  d: f32,
}

// plddt_expectation bindings
@group(0) @binding(0) var<storage, read> lddtLogits: array<f32>;
@group(0) @binding(1) var<storage, read_write> plddt: array<f32>;
@group(0) @binding(2) var<uniform> plddtParams: Params;

@compute @workgroup_size(WG)
fn plddt_expectation(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  if (i >= plddtParams.a) {
    return;
  }
  var m = lddtLogits[i * NBINS];
  for (var b = 1u; b < NBINS; b++) {
    m = max(m, lddtLogits[i * NBINS + b]);
  }
  var sum = 0.0;
  var e = 0.0;
  for (var b = 0u; b < NBINS; b++) {
    let x = exp(lddtLogits[i * NBINS + b] - m);
    sum += x;
    e += x * (f32(b) + 0.5) / f32(NBINS);
  }
  plddt[i] = 100.0 * e / sum;
}

// pae_tm bindings
@group(0) @binding(0) var<storage, read> zPair: array<z_t>;
@group(0) @binding(1) var<storage, read> paeW: array<f32>;
@group(0) @binding(2) var<storage, read> paeB: array<f32>;
@group(0) @binding(3) var<storage, read_write> pae: array<f32>;
@group(0) @binding(4) var<storage, read_write> tmPair: array<f32>;
@group(0) @binding(5) var<uniform> paeParams: Params;

var<workgroup> zTile: array<f32, PAIRS * CZ>;
var<workgroup> logitTile: array<f32, PAIRS * NBINS>;

fn binCentre(b: u32, maxBin: f32) -> f32 {
  let step = maxBin / f32(NBINS - 2u);
  return (f32(min(b, NBINS - 2u)) + 0.5) * step + select(0.0, step, b == NBINS - 1u);
}

@compute @workgroup_size(NBINS)
fn pae_tm(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let pairs = paeParams.a;
  let first = (wid.y * paeParams.b + wid.x) * PAIRS;
  if (first >= pairs) {
    return;
  }
  for (var e = lid; e < PAIRS * CZ; e += NBINS) {
    let pr = first + e / CZ;
    var v = 0.0;
    if (pr < pairs) {
      v = f32(zPair[pr * CZ + e % CZ]);
    }
    zTile[e] = v;
  }
  workgroupBarrier();
  var acc: array<f32, PAIRS>;
  for (var p = 0u; p < PAIRS; p++) {
    acc[p] = paeB[lid];
  }
  for (var c = 0u; c < CZ; c++) {
    let wv = paeW[c * NBINS + lid];
    for (var p = 0u; p < PAIRS; p++) {
      acc[p] += zTile[p * CZ + c] * wv;
    }
  }
  for (var p = 0u; p < PAIRS; p++) {
    logitTile[p * NBINS + lid] = acc[p];
  }
  workgroupBarrier();
  if (lid < PAIRS && first + lid < pairs) {
    let maxBin = paeParams.c;
    let d0 = paeParams.d;
    let o = lid * NBINS;
    var m = logitTile[o];
    for (var b = 1u; b < NBINS; b++) {
      m = max(m, logitTile[o + b]);
    }
    var sum = 0.0;
    var e = 0.0;
    var tm = 0.0;
    for (var b = 0u; b < NBINS; b++) {
      let x = exp(logitTile[o + b] - m);
      let ctr = binCentre(b, maxBin);
      sum += x;
      e += x * ctr;
      tm += x / (1.0 + (ctr * ctr) / (d0 * d0));
    }
    pae[first + lid] = e / sum;
    tmPair[first + lid] = tm / sum;
  }
}

// ptm_reduce bindings
@group(0) @binding(0) var<storage, read> tmIn: array<f32>;
@group(0) @binding(1) var<storage, read_write> ptmOut: array<f32>;
@group(0) @binding(2) var<uniform> ptmParams: Params;

var<workgroup> best: array<f32, WG>;

@compute @workgroup_size(WG)
fn ptm_reduce(@builtin(local_invocation_index) lid: u32) {
  let N = ptmParams.a;
  var m = -1.0;
  for (var i = lid; i < N; i += WG) {
    var s = 0.0;
    for (var j = 0u; j < N; j++) {
      s += tmIn[i * N + j];
    }
    m = max(m, s / (1e-8 + f32(N)));
  }
  best[lid] = m;
  workgroupBarrier();
  for (var stride = WG / 2u; stride > 0u; stride /= 2u) {
    if (lid < stride) {
      best[lid] = max(best[lid], best[lid + stride]);
    }
    workgroupBarrier();
  }
  if (lid == 0u) {
    ptmOut[0] = best[0];
    ptmOut[1] = binCentre(NBINS - 1u, ptmParams.c);
  }
}
