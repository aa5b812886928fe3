// layernorm.wgsl — LayerNorm over the last axis, two-pass (mean, then centred variance), f32 arithmetic.
//
// Purpose: every LayerNorm of AF2 (supplement §1.11.x: the pre-LN of each Evoformer / extra-MSA /
// structure-module sub-block; eps = 1e-5 as in AlphaFold's hk.LayerNorm use).
//
//   mean[r] = (1/C) Σ_c x[r, c]
//   var[r]  = (1/C) Σ_c (x[r, c] − mean[r])²
//   y[r, c] = (x[r, c] − mean[r]) · inverseSqrt(var[r] + eps) · scale[c] + offset[c]
//
// Bindings (group 0), row-major, channel axis fastest:
//   0 x      [rows, C]  read: row r at offset + (r / groupRows) · groupStride + (r % groupRows) · C
//                       (groups of contiguous rows, e.g. a column block of a row-major tensor)
//   1 scale  [C]        read
//   2 offset [C]        read
//   3 y      [rows, C]  write (must not alias x)
//   4 params uniform    { rows, C, eps, groupsX, groupRows, groupStride, offset }
// Storage types (aliases prepended by the descriptor): x_t and y_t, the element types of x and y
// (f32, or f16 for activations stored in half precision); the weights and arithmetic are f32.
//
// Workgroup layout: WG invocations (default 128), split into WG / THREADS_PER_ROW segments of
// THREADS_PER_ROW invocations (a power of two); each segment normalises one row, its lanes
// striding over the channels (coalesced reads). Small C packs several rows into a workgroup,
// large C gives one row the whole workgroup. Workgroups form a 2-D grid (groupsX wide) so more
// than 65535 of them fit; workgroup g = wid.x + wid.y · groupsX handles rows
// g · (WG / THREADS_PER_ROW) + segment. Sums are reduced in workgroup memory by a tree within
// each segment (portable: no subgroup operations, which Chromium may not expose).

override WG: u32 = 128;
override THREADS_PER_ROW: u32 = 32;

struct Params {
  rows: u32,
  C: u32,
  eps: f32,
  groupsX: u32,
  groupRows: u32,
  groupStride: u32,
  offset: u32,
  pad0: u32,
}

@group(0) @binding(0) var<storage, read> x: array<x_t>;
@group(0) @binding(1) var<storage, read> scale: array<f32>;
@group(0) @binding(2) var<storage, read> offset: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<y_t>;
@group(0) @binding(4) var<uniform> params: Params;

var<workgroup> sums: array<f32, WG>;

// Sum of `v` over the invocation's segment, returned to every lane. Called in uniform control flow.
fn segmentSum(lid: u32, lane: u32, v: f32) -> f32 {
  sums[lid] = v;
  workgroupBarrier();
  for (var step = THREADS_PER_ROW / 2u; step > 0u; step = step / 2u) {
    if (lane < step) {
      sums[lid] += sums[lid + step];
    }
    workgroupBarrier();
  }
  let total = sums[lid - lane];
  workgroupBarrier();
  return total;
}

@compute @workgroup_size(WG, 1, 1)
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3u) {
  let rowsPerGroup = WG / THREADS_PER_ROW;
  let lane = lid % THREADS_PER_ROW;
  let row = (wid.x + wid.y * params.groupsX) * rowsPerGroup + lid / THREADS_PER_ROW;
  let C = params.C;
  let inRange = row < params.rows;
  let xBase = params.offset + (row / params.groupRows) * params.groupStride + (row % params.groupRows) * C;
  let base = row * C;

  var s = 0.0;
  if (inRange) {
    for (var c = lane; c < C; c += THREADS_PER_ROW) {
      s += f32(x[xBase + c]);
    }
  }
  let mean = segmentSum(lid, lane, s) / f32(C);

  var q = 0.0;
  if (inRange) {
    for (var c = lane; c < C; c += THREADS_PER_ROW) {
      let d = f32(x[xBase + c]) - mean;
      q = fma(d, d, q);
    }
  }
  let variance = segmentSum(lid, lane, q) / f32(C);
  let inv = inverseSqrt(variance + params.eps);

  if (inRange) {
    for (var c = lane; c < C; c += THREADS_PER_ROW) {
      y[base + c] = y_t(fma((f32(x[xBase + c]) - mean) * inv, scale[c], offset[c]));
    }
  }
}
