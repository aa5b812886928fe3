// global_column_attention.wgsl — the core of MSA column global attention (AF2 supplement
// Algorithm 19, lines 2–3 and 5–7; AF2 `GlobalAttention`), one workgroup per residue column i:
//
//   x̄_i      = Σ_s mask_si x_si / (Σ_s mask_si + eps)                   masked mean (line 2)
//   q_ih     = scale · x̄_i · query_w[:, h, :]                           [H, C]      (line 3)
//   a_ish    = softmax_s(q_ih · k_si  (masked keys s dropped))                       (line 5)
//   o_ih     = Σ_s a_ish v_si                                           [H, C]      (line 6)
//   out_sih  = sigmoid(g_sih) ⊙ o_ih                                    [N_seq, H, C] (line 7)
//
// k_si, v_si (one shared head, [C] each) and the gate pre-activations g_si [H, C] come from one
// fused projection made before (matmul.wgsl): proj row (s, i) = k | v | g, `width` floats. The
// output projection after is a matmul with residual epilogue.
// Masks: masked keys get weight exactly 0 when any key of the column is unmasked (the exact limit
// of AF2's 1e9 (mask − 1) bias, which the f64 CPU reference computes); a fully masked column
// attends to every key (the −1e9 shift cancels), also as the reference.
//
// Bindings (group 0):
//   0 params  uniform  Params
//   1 x       read     [N_seq, N_res, C_IN]   LayerNorm(m), for the mean
//   2 proj    read     [N_seq, N_res, width]  k (C) | v (C) | g (H·C)
//   3 mask    read     [N_seq, N_res]
//   4 queryW  read     [C_IN, H·C]
//   5 out     write    [N_seq, N_res, H, C]
//
// Workgroup layout: WG = HEADS · LANES invocations per column i = workgroup_id.x (N_res ≤ 65535
// columns). Mean and q: invocations stride over channels. Softmax: invocation t takes head
// h = t % HEADS and keys s ≡ t / HEADS (mod LANES) with an online softmax in registers; the
// LANES partial (max, sum, acc) of a head are merged through workgroup memory. Output:
// invocations stride over (s, h, c).
// Precision: f32 storage and accumulation.

const MAX_HEAD_DIM: u32 = 32u;

override C_IN: u32 = 64u;
override HEADS: u32 = 8u;
override HEAD_DIM: u32 = 8u;
override LANES: u32 = 8u;
override WG: u32 = HEADS * LANES;
override HC: u32 = HEADS * HEAD_DIM;
override ACC_LEN: u32 = HEADS * LANES * HEAD_DIM;

struct Params {
  nSeq: u32,
  nRes: u32,
  width: u32,
  eps: f32,
  scale: f32,
  _pad0: u32,
  _pad1: u32,
  _pad2: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> proj: array<f32>;
@group(0) @binding(3) var<storage, read> mask: array<f32>;
@group(0) @binding(4) var<storage, read> queryW: array<f32>;
@group(0) @binding(5) var<storage, read_write> out: array<f32>;

var<workgroup> xMean: array<f32, C_IN>;
var<workgroup> q: array<f32, HC>;
var<workgroup> o: array<f32, HC>;
var<workgroup> partMax: array<f32, WG>;
var<workgroup> partSum: array<f32, WG>;
var<workgroup> partAcc: array<f32, ACC_LEN>;

fn sigmoid(v: f32) -> f32 {
  return 1.0 / (1.0 + exp(-v));
}

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) t: u32, @builtin(workgroup_id) wid: vec3u) {
  let i = wid.x;
  let nSeq = params.nSeq;
  let nRes = params.nRes;
  let width = params.width;
  let live = i < nRes;

  // Σ_s mask_si (every invocation; N_seq reads).
  var count = 0.0;
  if (live) {
    for (var s = 0u; s < nSeq; s++) {
      count += mask[s * nRes + i];
    }
  }

  // [C_IN] masked mean over sequences  (line 2)
  for (var a = t; a < C_IN; a += WG) {
    var sum = 0.0;
    if (live) {
      for (var s = 0u; s < nSeq; s++) {
        sum += mask[s * nRes + i] * x[(s * nRes + i) * C_IN + a];
      }
    }
    xMean[a] = sum / (count + params.eps);
  }
  workgroupBarrier();

  // [H·C] q = scale · x̄ · query_w  (line 3)
  for (var hc = t; hc < HC; hc += WG) {
    var acc = 0.0;
    for (var a = 0u; a < C_IN; a++) {
      acc += xMean[a] * queryW[a * HC + hc];
    }
    q[hc] = acc * params.scale;
  }
  workgroupBarrier();

  // Online softmax over this invocation's keys for head h  (lines 5–6)
  let h = t % HEADS;
  let lane = t / HEADS;
  let skipMasked = count > 0.0;
  var runMax = -3.0e38;
  var runSum = 0.0;
  var acc: array<f32, MAX_HEAD_DIM>;
  for (var c = 0u; c < HEAD_DIM; c++) {
    acc[c] = 0.0;
  }
  if (live) {
    for (var s = lane; s < nSeq; s += LANES) {
      if (skipMasked && mask[s * nRes + i] == 0.0) {
        continue;
      }
      let row = (s * nRes + i) * width;
      var logit = 0.0;
      for (var c = 0u; c < HEAD_DIM; c++) {
        logit += q[h * HEAD_DIM + c] * proj[row + c];
      }
      let newMax = max(runMax, logit);
      let rescale = exp(runMax - newMax);
      let p = exp(logit - newMax);
      runSum = runSum * rescale + p;
      for (var c = 0u; c < HEAD_DIM; c++) {
        acc[c] = acc[c] * rescale + p * proj[row + HEAD_DIM + c];
      }
      runMax = newMax;
    }
  }
  partMax[t] = runMax;
  partSum[t] = runSum;
  for (var c = 0u; c < HEAD_DIM; c++) {
    partAcc[t * HEAD_DIM + c] = acc[c];
  }
  workgroupBarrier();

  // [H, C] merge the LANES partials of each head
  for (var hc = t; hc < HC; hc += WG) {
    let hh = hc / HEAD_DIM;
    let c = hc % HEAD_DIM;
    var m = -3.0e38;
    for (var l = 0u; l < LANES; l++) {
      m = max(m, partMax[l * HEADS + hh]);
    }
    var sum = 0.0;
    var val = 0.0;
    for (var l = 0u; l < LANES; l++) {
      let p = l * HEADS + hh;
      let w = exp(partMax[p] - m);
      sum += partSum[p] * w;
      val += partAcc[p * HEAD_DIM + c] * w;
    }
    o[hc] = select(0.0, val / sum, sum > 0.0);
  }
  workgroupBarrier();

  // [N_seq, H, C] gated output of column i  (line 7)
  if (live) {
    for (var idx = t; idx < nSeq * HC; idx += WG) {
      let s = idx / HC;
      let hc = idx % HC;
      let r = s * nRes + i;
      out[r * HC + hc] = sigmoid(proj[r * width + 2u * HEAD_DIM + hc]) * o[hc];
    }
  }
}
