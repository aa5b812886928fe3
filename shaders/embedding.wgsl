// embedding.wgsl — the element-wise parts of the embedders (AF2 supplement Algorithm 3 lines 2–3
// with Algorithm 4 relpos, Algorithm 32 lines 1–4 (recycled distogram), Algorithm 2 line 13
// (extra-MSA one-hot Linear)). The Linears of dense features are matmuls (matmul.wgsl).
//
// Entry points (one invocation per output element, 1-D grid folded into x/y):
//   pair      z[i,j,c] = (a_i + b_j) + (relW[bin_ij, c] + relB[c])
//             bin_ij = clip(r_i − r_j, −k, k) + k, k = (BINS − 1) / 2            Alg 3 l.2–3, Alg 4
//             lr [N_res, 2·c_z]: a = target_feat·left_single | b = target_feat·right_single
//   dgram     y[i,j,c] += W[bin(|x_i − x_j|²), c] + b[c]  (b[c] only when d² is in no bin)
//             lower edges lo[0..15) in `table`, upper edge of the last = 1e8      Alg 32 l.1–4
//             for rows i = row0 … (y holds rows row0 … only: a row chunk)
//   add       y[yOffset + n] += x[n]                                            (residual add)
//   extra     e[s,j,c] = W[aa_sj, c] + has_del_sj · W[23, c] + del_val_sj · W[24, c] + b[c]
//
// Bindings (group 0): 0 params (uniform), 1 a (read f32), 2 b (read f32), 3 c (read f32),
//   4 idx (read i32), 5 table (read f32), 6 y (read_write f32). What each holds per entry point:
//   pair:  a = lr, b = relW, c = relB, idx = residue_index, y = z
//   dgram: a = positions [N_res, 3], b = W [15, c_z], c = bias, table = lower edges², y = Y
//   add:   a = x, y = y
//   extra: a = has_deletion, b = W [25, c_e], c = bias, idx = extra_msa classes, table =
//          deletion_value, y = e
// Workgroup layout: WG invocations, element n = (wid.x + wid.y · gridX) · WG + local index.
// Precision: f32 arithmetic; the order of the adds matches the CPU reference's f32 roundings.
// Storage type (alias prepended by the descriptor): y_t, the element type of y (f32, or f16 where
// y is an activation stored in half precision: z, e, m).

override WG: u32 = 256u;

struct Params {
  n: u32,       // output elements
  nRes: u32,
  c: u32,       // channels
  bins: u32,
  gridX: u32,
  row0: u32,    // dgram: first row i of the chunk y holds
  yOffset: u32, // add: element offset of the update in y
  _pad2: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read> c: array<f32>;
@group(0) @binding(4) var<storage, read> idx: array<i32>;
@group(0) @binding(5) var<storage, read> table: array<f32>;
@group(0) @binding(6) var<storage, read_write> y: array<y_t>;

fn element(wid: vec3u, lid: u32) -> u32 {
  return (wid.x + wid.y * params.gridX) * WG + lid;
}

// (i, j, channel) of element e of a [rows, N_res, C] pair tensor whose first row is row0.
fn pairIndex(e: u32, row0: u32) -> vec3u {
  let ij = e / params.c;
  return vec3u(row0 + ij / params.nRes, ij % params.nRes, e % params.c);
}

@compute @workgroup_size(WG)
fn pair(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let e = element(wid, lid);
  if (e >= params.n) {
    return;
  }
  let C = params.c;
  let p = pairIndex(e, 0u);
  let i = p.x;
  let j = p.y;
  let ch = p.z;
  let k = i32((params.bins - 1u) / 2u);
  let bin = u32(clamp(idx[i] - idx[j], -k, k) + k);
  let pairAB = a[i * 2u * C + ch] + a[j * 2u * C + C + ch];
  y[e] = y_t(pairAB + (b[bin * C + ch] + c[ch]));
}

@compute @workgroup_size(WG)
fn dgram(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let e = element(wid, lid);
  if (e >= params.n) {
    return;
  }
  let C = params.c;
  let p = pairIndex(e, params.row0);
  let i = p.x;
  let j = p.y;
  let ch = p.z;
  let dx = a[i * 3u] - a[j * 3u];
  let dy = a[i * 3u + 1u] - a[j * 3u + 1u];
  let dz = a[i * 3u + 2u] - a[j * 3u + 2u];
  let d2 = (dx * dx + dy * dy) + dz * dz;
  var lin = c[ch];
  for (var q = 0u; q < params.bins; q++) {
    let upper = select(1e8, table[q + 1u], q + 1u < params.bins);
    if (d2 > table[q] && d2 < upper) {
      lin = b[q * C + ch] + c[ch];
    }
  }
  y[e] = y_t(lin + f32(y[e]));
}

@compute @workgroup_size(WG)
fn add(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let e = element(wid, lid);
  if (e >= params.n) {
    return;
  }
  y[params.yOffset + e] = y_t(f32(y[params.yOffset + e]) + a[e]);
}

@compute @workgroup_size(WG)
fn extra(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let e = element(wid, lid);
  if (e >= params.n) {
    return;
  }
  let C = params.c;
  let ch = e % C;
  let sj = e / C;
  let aa = u32(idx[sj]);
  y[e] = y_t(((b[aa * C + ch] + a[sj] * b[23u * C + ch]) + table[sj] * b[24u * C + ch]) + c[ch]);
}
