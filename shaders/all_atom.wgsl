// all_atom.wgsl — AF2 supplement Algorithm 24 "computeAllAtomCoordinates" per residue, in AF2's
// form (`all_atom.torsion_angles_to_frames`, `frames_and_literature_positions_to_atom14_pos`,
// `atom14_to_atom37`):
//
//   local_g = default_frame[aa, g] ∘ R_x(α_g)   (group 0: angle 0; torsions ω, φ, ψ, χ1..χ4)
//   chi2..chi4 chain onto the previous chi:  local_g ← local_{g−1} ∘ local_g  (g = 5, 6, 7)
//   frame_g = T_i ∘ local_g                     (T_i backbone, translation × POSITION_SCALE → Å)
//   atom14_a = frame_{group(a)} ∘ literature_position(a)   (0 where the slot is empty)
//   atom37_a = atom14_{idx37(a)} · mask37(a)
//
// Bindings (group 0):
//   0 aatype  [N] i32       read   AF2 residue types 0..20 (checked on the host)
//   1 frames  [N, 16]       read   quaternion | translation (internal units) | rotation row-major
//   2 angles  [N, 7, 2]     read   unit (sin, cos)
//   3 tables  [5712] f32    read   geometry constants, packed (offsets TAB_* below):
//                                  default_frame [21, 8, 4, 4] | atom14 group [21, 14] |
//                                  atom14 mask [21, 14] | atom14 literature positions [21, 14, 3] |
//                                  atom37 → atom14 index [21, 37] | atom37 mask [21, 37]
//   4 groupFrames [N, 8, 4, 4] write  rigid-group frames to global (Å), row-major 4×4
//   5 atom14  [N, 14, 3]    write  Å
//   6 atom37  [N, 37, 3]    write  Å, 0 where the residue type has no such atom
//   7 mask37  [N, 37]       write  atom existence
//   8 params  uniform       N, position_scale
//
// Workgroup layout: WG invocations, one residue each; grid [⌈N/WG⌉, 1, 1].

override WG: u32 = 64;

const G: u32 = 8u;
const A14: u32 = 14u;
const A37: u32 = 37u;
const TAB_FRAME: u32 = 0u;
const TAB_A14_GROUP: u32 = 2688u;
const TAB_A14_MASK: u32 = 2982u;
const TAB_A14_POS: u32 = 3276u;
const TAB_A37_IDX: u32 = 4158u;
const TAB_A37_MASK: u32 = 4935u;

struct Params {
  N: u32,
  positionScale: f32,
  _pad0: u32,
  _pad1: u32,
}

@group(0) @binding(0) var<storage, read> aatype: array<i32>;
@group(0) @binding(1) var<storage, read> frames: array<f32>;
@group(0) @binding(2) var<storage, read> angles: array<f32>;
@group(0) @binding(3) var<storage, read> tables: array<f32>;
@group(0) @binding(4) var<storage, read_write> groupFrames: array<f32>;
@group(0) @binding(5) var<storage, read_write> atom14: array<f32>;
@group(0) @binding(6) var<storage, read_write> atom37: array<f32>;
@group(0) @binding(7) var<storage, read_write> mask37: array<f32>;
@group(0) @binding(8) var<uniform> params: Params;

struct Rigid {
  r: mat3x3f,
  t: vec3f,
}

// a ∘ b: apply b first.
fn compose(a: Rigid, b: Rigid) -> Rigid {
  return Rigid(a.r * b.r, a.r * b.t + a.t);
}

// Row-major 4×4 at `o` of the tables → rigid (WGSL matrices are column-major).
fn tableFrame(o: u32) -> Rigid {
  let r = mat3x3f(
    vec3f(tables[o], tables[o + 4u], tables[o + 8u]),
    vec3f(tables[o + 1u], tables[o + 5u], tables[o + 9u]),
    vec3f(tables[o + 2u], tables[o + 6u], tables[o + 10u]),
  );
  return Rigid(r, vec3f(tables[o + 3u], tables[o + 7u], tables[o + 11u]));
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  if (i >= params.N) {
    return;
  }
  let aa = u32(aatype[i]);
  let f = i * 16u;
  let backbone = Rigid(
    mat3x3f(
      vec3f(frames[f + 7u], frames[f + 10u], frames[f + 13u]),
      vec3f(frames[f + 8u], frames[f + 11u], frames[f + 14u]),
      vec3f(frames[f + 9u], frames[f + 12u], frames[f + 15u]),
    ),
    vec3f(frames[f + 4u], frames[f + 5u], frames[f + 6u]) * params.positionScale,
  );

  var local: array<Rigid, 8>;
  for (var g = 0u; g < G; g++) {
    var sn = 0.0;
    var cs = 1.0;
    if (g > 0u) {
      sn = angles[(i * 7u + g - 1u) * 2u];
      cs = angles[(i * 7u + g - 1u) * 2u + 1u];
    }
    // R_x(α): rows [1,0,0], [0,c,−s], [0,s,c]; columns below.
    let rotX = Rigid(mat3x3f(vec3f(1.0, 0.0, 0.0), vec3f(0.0, cs, sn), vec3f(0.0, -sn, cs)), vec3f(0.0));
    local[g] = compose(tableFrame(TAB_FRAME + (aa * G + g) * 16u), rotX);
  }
  for (var g = 5u; g < G; g++) {
    local[g] = compose(local[g - 1u], local[g]);
  }
  var global: array<Rigid, 8>;
  for (var g = 0u; g < G; g++) {
    let fr = compose(backbone, local[g]);
    global[g] = fr;
    let o = (i * G + g) * 16u;
    for (var r = 0u; r < 3u; r++) {
      groupFrames[o + r * 4u] = fr.r[0][r];
      groupFrames[o + r * 4u + 1u] = fr.r[1][r];
      groupFrames[o + r * 4u + 2u] = fr.r[2][r];
      groupFrames[o + r * 4u + 3u] = fr.t[r];
    }
    groupFrames[o + 12u] = 0.0;
    groupFrames[o + 13u] = 0.0;
    groupFrames[o + 14u] = 0.0;
    groupFrames[o + 15u] = 1.0;
  }

  var pos14: array<vec3f, 14>;
  for (var a = 0u; a < A14; a++) {
    var p = vec3f(0.0);
    if (tables[TAB_A14_MASK + aa * A14 + a] != 0.0) {
      let g = u32(tables[TAB_A14_GROUP + aa * A14 + a]);
      let lo = TAB_A14_POS + (aa * A14 + a) * 3u;
      let fr = global[g];
      p = fr.r * vec3f(tables[lo], tables[lo + 1u], tables[lo + 2u]) + fr.t;
    }
    pos14[a] = p;
    let o = (i * A14 + a) * 3u;
    atom14[o] = p.x;
    atom14[o + 1u] = p.y;
    atom14[o + 2u] = p.z;
  }
  for (var a = 0u; a < A37; a++) {
    let m = tables[TAB_A37_MASK + aa * A37 + a];
    var p = vec3f(0.0);
    if (m != 0.0) {
      p = pos14[u32(tables[TAB_A37_IDX + aa * A37 + a])];
    }
    let o = (i * A37 + a) * 3u;
    atom37[o] = p.x;
    atom37[o + 1u] = p.y;
    atom37[o + 2u] = p.z;
    mask37[i * A37 + a] = m;
  }
}
