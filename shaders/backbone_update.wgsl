// backbone_update.wgsl — AF2 supplement Algorithm 23 "Backbone update" (lines 1–4) composed onto
// the frames (Algorithm 20 line 10), in AF2's form (`affine_update` Linear +
// `QuatAffine.pre_compose`):
//
//   (b, c, d, t) = s_i · W + bias                     [6]
//   q ← normalise(q + q ⊗ (0, b, c, d))                t ← t + R(q) t_upd
//   R ← quat_to_rot(q)
//
// Bindings (group 0):
//   0 s       [N, CS]   read   single representation
//   1 w       [CS, 6]   read   affine_update weights
//   2 b       [6]       read   affine_update bias
//   3 frames  [N, 16]   read+write  quaternion (w,x,y,z) | translation (3) | rotation row-major (9),
//                               internal units; updated in place (each residue owns its row)
//   4 update  [N, 6]    write  the Linear's output (b, c, d, t_x, t_y, t_z)
//   5 affine  [N, 7]    write  AF2 affine tensor: quaternion, translation · POSITION_SCALE (Å)
//   6 params  uniform   N, position_scale
//
// Workgroup layout: WG invocations, one residue each; grid [⌈N/WG⌉, 1, 1].

override WG: u32 = 64;
override CS: u32 = 384;

struct Params {
  N: u32,
  positionScale: f32,
  _pad0: u32,
  _pad1: u32,
}

@group(0) @binding(0) var<storage, read> s: array<f32>;
@group(0) @binding(1) var<storage, read> w: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> frames: array<f32>;
@group(0) @binding(4) var<storage, read_write> update: array<f32>;
@group(0) @binding(5) var<storage, read_write> affine: array<f32>;
@group(0) @binding(6) var<uniform> params: Params;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  if (i >= params.N) {
    return;
  }
  // line 1: [6]
  var u = array<f32, 6>(b[0], b[1], b[2], b[3], b[4], b[5]);
  for (var k = 0u; k < CS; k++) {
    let x = s[i * CS + k];
    for (var o = 0u; o < 6u; o++) {
      u[o] += x * w[k * 6u + o];
    }
  }
  for (var o = 0u; o < 6u; o++) {
    update[i * 6u + o] = u[o];
  }
  let f = i * 16u;
  let q = vec4f(frames[f], frames[f + 1u], frames[f + 2u], frames[f + 3u]);
  // q ⊗ (0, b, c, d)
  let dq = vec4f(
    -q.y * u[0] - q.z * u[1] - q.w * u[2],
    q.x * u[0] + q.z * u[2] - q.w * u[1],
    q.x * u[1] - q.y * u[2] + q.w * u[0],
    q.x * u[2] + q.y * u[1] - q.z * u[0],
  );
  let tu = vec3f(u[3], u[4], u[5]);
  let r0 = vec3f(frames[f + 7u], frames[f + 8u], frames[f + 9u]);
  let r1 = vec3f(frames[f + 10u], frames[f + 11u], frames[f + 12u]);
  let r2 = vec3f(frames[f + 13u], frames[f + 14u], frames[f + 15u]);
  let t = vec3f(frames[f + 4u], frames[f + 5u], frames[f + 6u]) + vec3f(dot(r0, tu), dot(r1, tu), dot(r2, tu));
  let qn = normalize(q + dq);
  let ww = qn.x;
  let x = qn.y;
  let y = qn.z;
  let zz = qn.w;
  frames[f] = ww;
  frames[f + 1u] = x;
  frames[f + 2u] = y;
  frames[f + 3u] = zz;
  frames[f + 4u] = t.x;
  frames[f + 5u] = t.y;
  frames[f + 6u] = t.z;
  frames[f + 7u] = ww * ww + x * x - y * y - zz * zz;
  frames[f + 8u] = 2.0 * (x * y - ww * zz);
  frames[f + 9u] = 2.0 * (x * zz + ww * y);
  frames[f + 10u] = 2.0 * (x * y + ww * zz);
  frames[f + 11u] = ww * ww - x * x + y * y - zz * zz;
  frames[f + 12u] = 2.0 * (y * zz - ww * x);
  frames[f + 13u] = 2.0 * (x * zz - ww * y);
  frames[f + 14u] = 2.0 * (y * zz + ww * x);
  frames[f + 15u] = ww * ww - x * x - y * y + zz * zz;
  let a = i * 7u;
  affine[a] = ww;
  affine[a + 1u] = x;
  affine[a + 2u] = y;
  affine[a + 3u] = zz;
  affine[a + 4u] = t.x * params.positionScale;
  affine[a + 5u] = t.y * params.positionScale;
  affine[a + 6u] = t.z * params.positionScale;
}
