// ipa.wgsl — Invariant point attention (AF2 supplement Algorithm 22, lines 4–10), fused per
// query residue: logits (scalar q·k, point distance term with softplus point weights, pair bias,
// mask), streaming (online) softmax over the keys, and the four attended outputs (scalar values,
// value points moved back to the query's local frame, their norms, the pair-weighted sum of z),
// written concatenated as the input of the output projection (line 11, a matmul).
// Lines 1–3 (the q/k/v projections, one concatenated matmul) and line 4's Linear(z) (the pair
// bias, one matmul shared by all layers) run before this kernel.
//
//   a_ij^h = softmax_j( sqrt(1/(3C)) q_i^h·k_j^h + sqrt(1/3) b_ij^h
//                       − ½ γ^h sqrt(2/(9 P_q))·sqrt(1/3) Σ_p |T_i q_ip^h − T_j k_jp^h|²
//                       − 1e5 (1 − m_i m_j) ),   γ^h = softplus(trainable_point_weights[h])
//
// DISCREPANCY (numerically the same as AF2): for a masked query (m_i = 0) every key gets the
// same −1e5, which softmax ignores, so it is not added at all; in f32, x − 1e5 would round x to
// ~0.008 and the masked rows would become noise instead of the values the f64 reference gives.
//
// Bindings (group 0), row-major, last axis fastest:
//   0 proj   [N, P]          read  concatenated projections of s (see OFF_* below):
//                                  q_scalar [H, C] | kv_scalar [H, C + C_v] (keys first) |
//                                  q_point_local x|y|z thirds [3, H, P_q] |
//                                  kv_point_local x|y|z thirds [3, H, P_q + P_v] (keys first)
//   1 frames [N, 16]         read  per residue: quaternion (w,x,y,z), translation (3), rotation
//                                  row-major (9); internal units
//   2 bias   [N, N, H]       read  Linear(z) pair bias (attention_2d)
//   3 z      [N, N, CZ]      read  pair representation (pair_layer_norm'ed)
//   4 mask   [N]             read  1 = real residue
//   5 tpw    [H]             read  trainable_point_weights (softplus applied here)
//   6 out    [N, F]          write concat(scalar [H·C_v], x, y, z [H·P_v each], |o| [H·P_v],
//                                  pair [H·CZ]),  F = H·C_v + 4·H·P_v + H·CZ
//   7 params uniform         N
//
// Workgroup layout: one workgroup of WG invocations per query residue i (grid [N, 1, 1]).
// Keys are walked in tiles of TJ: the H·TJ logits of a tile are computed one per invocation into
// workgroup memory; H invocations update each head's running max and sum and turn the tile's
// logits into weights; then every invocation updates the accumulators it owns (H·(C_v + 3·P_v
// + CZ) values in workgroup memory, strided by WG), rescaled by exp(m_old − m_new). Nothing
// [N, N, H]-sized is written.

override WG: u32 = 128;
override TJ: u32 = 32;
override H: u32 = 12;
override C: u32 = 16;
override CV: u32 = 16;
override PQ: u32 = 4;
override PV: u32 = 8;
override CZ: u32 = 128;

// Offsets into a projection row.
override OFF_KV: u32 = H * C;
override OFF_QP: u32 = OFF_KV + H * (C + CV);
override OFF_KVP: u32 = OFF_QP + 3u * H * PQ;
override P_ROW: u32 = OFF_KVP + 3u * H * (PQ + PV);
// Accumulators per head: scalar C_v, points 3·P_v (p-major, xyz fastest), pair CZ.
override ACC_H: u32 = CV + 3u * PV + CZ;
override F_ROW: u32 = H * CV + 4u * H * PV + H * CZ;

const MASK_BIAS: f32 = 1e5;
const NEG_BIG: f32 = -3.0e38;

struct Params {
  N: u32,
  _pad0: u32,
  _pad1: u32,
  _pad2: u32,
}

@group(0) @binding(0) var<storage, read> proj: array<f32>;
@group(0) @binding(1) var<storage, read> frames: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read> z: array<z_t>;
@group(0) @binding(4) var<storage, read> mask: array<f32>;
@group(0) @binding(5) var<storage, read> tpw: array<f32>;
@group(0) @binding(6) var<storage, read_write> out: array<f32>;
@group(0) @binding(7) var<uniform> params: Params;

var<workgroup> qs: array<f32, H * C>;
// Query points in the global frame, [H, P_q, 3].
var<workgroup> qg: array<f32, H * PQ * 3u>;
// Logits, then weights, of the current key tile, [H, TJ].
var<workgroup> sTile: array<f32, H * TJ>;
var<workgroup> mRun: array<f32, H>;
var<workgroup> lRun: array<f32, H>;
var<workgroup> rescale: array<f32, H>;
var<workgroup> pointW: array<f32, H>;
var<workgroup> acc: array<f32, H * ACC_H>;

fn softplus(x: f32) -> f32 {
  if (x > 20.0) {
    return x;
  }
  return log(1.0 + exp(x));
}

// T_r ∘ p (rotation row-major at frames[16r + 7 ..], translation at frames[16r + 4 ..]).
fn applyFrame(r: u32, p: vec3f) -> vec3f {
  let o = r * 16u;
  let r0 = vec3f(frames[o + 7u], frames[o + 8u], frames[o + 9u]);
  let r1 = vec3f(frames[o + 10u], frames[o + 11u], frames[o + 12u]);
  let r2 = vec3f(frames[o + 13u], frames[o + 14u], frames[o + 15u]);
  return vec3f(dot(r0, p), dot(r1, p), dot(r2, p)) + vec3f(frames[o + 4u], frames[o + 5u], frames[o + 6u]);
}

// T_r⁻¹ ∘ p = Rᵀ (p − t).
fn invertApplyFrame(r: u32, p: vec3f) -> vec3f {
  let o = r * 16u;
  let d = p - vec3f(frames[o + 4u], frames[o + 5u], frames[o + 6u]);
  let c0 = vec3f(frames[o + 7u], frames[o + 10u], frames[o + 13u]);
  let c1 = vec3f(frames[o + 8u], frames[o + 11u], frames[o + 14u]);
  let c2 = vec3f(frames[o + 9u], frames[o + 12u], frames[o + 15u]);
  return vec3f(dot(c0, d), dot(c1, d), dot(c2, d));
}

// Local point `p` of head h from the x|y|z-thirds block at `off` of residue r's projection row,
// `perHead` points per head.
fn localPoint(r: u32, off: u32, perHead: u32, h: u32, p: u32) -> vec3f {
  let third = H * perHead;
  let at = r * P_ROW + off + h * perHead + p;
  return vec3f(proj[at], proj[at + third], proj[at + 2u * third]);
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let N = params.N;
  let i = wid.x;
  if (i >= N) {
    return;
  }
  let mi = mask[i];
  let scalarW = sqrt(1.0 / (3.0 * f32(C)));
  let wL = sqrt(1.0 / 3.0);

  for (var e = lid; e < H * C; e += WG) {
    qs[e] = proj[i * P_ROW + e];
  }
  for (var e = lid; e < H * PQ; e += WG) {
    let h = e / PQ;
    let p = e % PQ;
    let g = applyFrame(i, localPoint(i, OFF_QP, PQ, h, p));
    qg[e * 3u] = g.x;
    qg[e * 3u + 1u] = g.y;
    qg[e * 3u + 2u] = g.z;
  }
  for (var h = lid; h < H; h += WG) {
    mRun[h] = NEG_BIG;
    lRun[h] = 0.0;
    pointW[h] = sqrt(1.0 / (3.0 * (f32(PQ) * 9.0 / 2.0))) * softplus(tpw[h]);
  }
  for (var e = lid; e < H * ACC_H; e += WG) {
    acc[e] = 0.0;
  }
  workgroupBarrier();

  for (var j0 = 0u; j0 < N; j0 += TJ) {
    // Logits of the tile, one per (h, jj).
    for (var e = lid; e < H * TJ; e += WG) {
      let h = e / TJ;
      let j = j0 + e % TJ;
      var logit = NEG_BIG;
      if (j < N) {
        var qk = 0.0;
        let kOff = j * P_ROW + OFF_KV + h * (C + CV);
        for (var c = 0u; c < C; c++) {
          qk += qs[h * C + c] * proj[kOff + c];
        }
        var d2 = 0.0;
        for (var p = 0u; p < PQ; p++) {
          let kg = applyFrame(j, localPoint(j, OFF_KVP, PQ + PV, h, p));
          let qo = (h * PQ + p) * 3u;
          let d = vec3f(qg[qo], qg[qo + 1u], qg[qo + 2u]) - kg;
          d2 += dot(d, d);
        }
        logit = scalarW * qk + wL * bias[(i * N + j) * H + h] - 0.5 * pointW[h] * d2;
        if (mi != 0.0) {
          logit -= MASK_BIAS * (1.0 - mask[j]);
        }
      }
      sTile[e] = logit;
    }
    workgroupBarrier();
    // Online softmax bookkeeping, one invocation per head.
    for (var h = lid; h < H; h += WG) {
      var mNew = mRun[h];
      for (var jj = 0u; jj < TJ; jj++) {
        mNew = max(mNew, sTile[h * TJ + jj]);
      }
      let sc = exp(mRun[h] - mNew);
      var l = lRun[h] * sc;
      for (var jj = 0u; jj < TJ; jj++) {
        var w = 0.0;
        if (j0 + jj < N) {
          w = exp(sTile[h * TJ + jj] - mNew);
        }
        sTile[h * TJ + jj] = w;
        l += w;
      }
      mRun[h] = mNew;
      lRun[h] = l;
      rescale[h] = sc;
    }
    workgroupBarrier();
    // Accumulators: each invocation owns acc[e], e ≡ lid (mod WG).
    for (var e = lid; e < H * ACC_H; e += WG) {
      let h = e / ACC_H;
      let f = e % ACC_H;
      var sum = acc[e] * rescale[h];
      let jEnd = min(TJ, N - j0);
      if (f < CV) {
        for (var jj = 0u; jj < jEnd; jj++) {
          let j = j0 + jj;
          sum += sTile[h * TJ + jj] * proj[j * P_ROW + OFF_KV + h * (C + CV) + C + f];
        }
      } else if (f < CV + 3u * PV) {
        let p = (f - CV) / 3u;
        let x = (f - CV) % 3u;
        for (var jj = 0u; jj < jEnd; jj++) {
          let j = j0 + jj;
          let g = applyFrame(j, localPoint(j, OFF_KVP, PQ + PV, h, PQ + p));
          sum += sTile[h * TJ + jj] * g[x];
        }
      } else {
        let c = f - CV - 3u * PV;
        for (var jj = 0u; jj < jEnd; jj++) {
          let j = j0 + jj;
          sum += sTile[h * TJ + jj] * f32(z[(i * N + j) * CZ + c]);
        }
      }
      acc[e] = sum;
    }
    workgroupBarrier();
  }

  // Normalise and write the output features of residue i.
  for (var e = lid; e < H * ACC_H; e += WG) {
    acc[e] = acc[e] / lRun[e / ACC_H];
  }
  workgroupBarrier();
  let row = i * F_ROW;
  for (var e = lid; e < H * CV; e += WG) {
    out[row + e] = acc[(e / CV) * ACC_H + e % CV];
  }
  for (var e = lid; e < H * PV; e += WG) {
    let h = e / PV;
    let p = e % PV;
    let a = h * ACC_H + CV + p * 3u;
    let local = invertApplyFrame(i, vec3f(acc[a], acc[a + 1u], acc[a + 2u]));
    let base = row + H * CV;
    out[base + e] = local.x;
    out[base + H * PV + e] = local.y;
    out[base + 2u * H * PV + e] = local.z;
    out[base + 3u * H * PV + e] = sqrt(1e-8 + dot(local, local));
  }
  for (var e = lid; e < H * CZ; e += WG) {
    out[row + H * CV + 4u * H * PV + e] = acc[(e / CZ) * ACC_H + CV + 3u * PV + e % CZ];
  }
}
