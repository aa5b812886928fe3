// angle_resnet.wgsl — AF2 supplement Algorithm 20 lines 11–14 (the angle resnet of
// `MultiRigidSidechain`) fused per residue, then AF2's l2_normalize of each (sin, cos) pair:
//
//   a = Linear(relu(s_i)) + Linear(relu(s_initial_i))          [CH]   line 11
//   a ← a + Linear(relu(Linear(relu(a))))     × NB blocks      [CH]   lines 12–13
//   α = Linear(relu(a))                                        [NA]   line 14 (NA = 2·7)
//   α̂ = α / sqrt(max(|α|², 1e-12)) per (sin, cos) pair
//
// A fused kernel instead of 2·NB + 4 matmuls: every Linear here has a relu on its *input*, which
// the matmul epilogues cannot express, and the work per residue is small.
//
// Bindings (group 0):
//   0 s        [N, CS]  read   single representation
//   1 sInit    [N, CS]  read   s_initial (after single_layer_norm)
//   2 w        packed   read   input_projection W [CS, CH], b [CH]; input_projection_1 W [CS, CH],
//                              b [CH]; per block k: resblock1_k W [CH, CH], b [CH], resblock2_k
//                              W [CH, CH], b [CH]; unnormalized_angles W [CH, NA], b [NA]
//                              (this order, each row-major, concatenated)
//   3 unnorm   [N, NA]  write  unnormalized angles (sin, cos) × 7
//   4 angles   [N, NA]  write  normalised
//   5 params   uniform  N
//
// Workgroup layout: one workgroup of WG invocations per residue (grid [N, 1, 1]); invocation t
// computes hidden channels t, t + WG, … of each Linear from the row held in workgroup memory.

override WG: u32 = 128;
override CS: u32 = 384;
override CH: u32 = 128;
override NB: u32 = 2;
override NA: u32 = 14;

override OFF_IN1: u32 = CS * CH + CH;
override OFF_BLOCKS: u32 = 2u * (CS * CH + CH);
override BLOCK_SIZE: u32 = 2u * (CH * CH + CH);
override OFF_OUT: u32 = OFF_BLOCKS + NB * BLOCK_SIZE;

struct Params {
  N: u32,
  _pad0: u32,
  _pad1: u32,
  _pad2: u32,
}

@group(0) @binding(0) var<storage, read> s: array<f32>;
@group(0) @binding(1) var<storage, read> sInit: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read_write> unnorm: array<f32>;
@group(0) @binding(4) var<storage, read_write> angles: array<f32>;
@group(0) @binding(5) var<uniform> params: Params;

var<workgroup> rs: array<f32, CS>;
var<workgroup> ri: array<f32, CS>;
var<workgroup> a: array<f32, CH>;
var<workgroup> hid: array<f32, CH>;
var<workgroup> outv: array<f32, NA>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = wid.x;
  if (i >= params.N) {
    return;
  }
  for (var k = lid; k < CS; k += WG) {
    rs[k] = max(s[i * CS + k], 0.0);
    ri[k] = max(sInit[i * CS + k], 0.0);
  }
  workgroupBarrier();
  // line 11
  for (var c = lid; c < CH; c += WG) {
    var v = w[CS * CH + c] + w[OFF_IN1 + CS * CH + c];
    for (var k = 0u; k < CS; k++) {
      v += rs[k] * w[k * CH + c] + ri[k] * w[OFF_IN1 + k * CH + c];
    }
    a[c] = v;
  }
  workgroupBarrier();
  // lines 12–13
  for (var blk = 0u; blk < NB; blk++) {
    let o1 = OFF_BLOCKS + blk * BLOCK_SIZE;
    let o2 = o1 + CH * CH + CH;
    for (var c = lid; c < CH; c += WG) {
      var v = w[o1 + CH * CH + c];
      for (var k = 0u; k < CH; k++) {
        v += max(a[k], 0.0) * w[o1 + k * CH + c];
      }
      hid[c] = max(v, 0.0);
    }
    workgroupBarrier();
    for (var c = lid; c < CH; c += WG) {
      var v = w[o2 + CH * CH + c];
      for (var k = 0u; k < CH; k++) {
        v += hid[k] * w[o2 + k * CH + c];
      }
      a[c] += v;
    }
    workgroupBarrier();
  }
  // line 14
  for (var o = lid; o < NA; o += WG) {
    var v = w[OFF_OUT + CH * NA + o];
    for (var k = 0u; k < CH; k++) {
      v += max(a[k], 0.0) * w[OFF_OUT + k * NA + o];
    }
    outv[o] = v;
    unnorm[i * NA + o] = v;
  }
  workgroupBarrier();
  for (var o = lid; o < NA; o += WG) {
    let pairStart = o - o % 2u;
    let sn = outv[pairStart];
    let cs = outv[pairStart + 1u];
    angles[i * NA + o] = outv[o] / sqrt(max(sn * sn + cs * cs, 1e-12));
  }
}
