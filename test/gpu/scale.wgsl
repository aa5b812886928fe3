// Test kernel for the runtime (not used by the model): y[i] = x[i] * FACTOR + params.offset.
override FACTOR: f32 = 1.0;
override WG: u32 = 64;

struct Params { n: u32, offset: f32, _pad0: u32, _pad1: u32 }

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  if (gid.x < params.n) {
    y[gid.x] = x[gid.x] * FACTOR + params.offset;
  }
}
