// matmul_naive.wgsl — straightforward f32 matrix multiply: the correctness and speed baseline
// for matmul.wgsl. One output per invocation, no shared memory, no vector loads.
//
//   C[b, m, n] = epilogue(sum_k A[b, m, k] * B[b, k, n] (+ bias[n]))
//
// Same bindings, Params block and EPILOGUE / HAS_BIAS meanings as matmul.wgsl (so one TypeScript
// descriptor shape serves both), except that A and B are plain array<f32>:
//   0 A [batch, M, K] read · 1 B [batch, K, N] read · 2 bias [N] read · 3 E [batch, M, N] read
//   4 C [batch, M, N] read_write · 5 params uniform
//
// Workgroup layout: WG_X × WG_Y (default 16 × 16) invocations; invocation (x, y) of workgroup
// (wx, wy, b) computes C[b, wy·WG_Y + y, wx·WG_X + x].

override WG_X: u32 = 16;
override WG_Y: u32 = 16;
override EPILOGUE: u32 = 0;
override HAS_BIAS: bool = false;

struct Params {
  M: u32,
  N: u32,
  K: u32,
  batch: u32,
  lda: u32,
  ldb: u32,
  ldc: u32,
  lde: u32,
  strideA: u32,
  strideB: u32,
  strideC: u32,
  strideE: u32,
  offsetC: u32,
  pad0: u32,
  pad1: u32,
  pad2: u32,
}

@group(0) @binding(0) var<storage, read> A: array<f32>;
@group(0) @binding(1) var<storage, read> B: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read> E: array<f32>;
@group(0) @binding(4) var<storage, read_write> C: array<f32>;
@group(0) @binding(5) var<uniform> params: Params;

fn sigmoid(x: f32) -> f32 {
  return 1.0 / (1.0 + exp(-x));
}

@compute @workgroup_size(WG_X, WG_Y, 1)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let col = gid.x;
  let row = gid.y;
  let b = gid.z;
  if (row >= params.M || col >= params.N) {
    return;
  }
  let aRow = b * params.strideA + row * params.lda;
  let bCol = b * params.strideB + col;
  var acc = 0.0;
  for (var k = 0u; k < params.K; k++) {
    acc = fma(A[aRow + k], B[bCol + k * params.ldb], acc);
  }
  if (HAS_BIAS) {
    acc += bias[col];
  }
  let cIndex = params.offsetC + b * params.strideC + row * params.ldc + col;
  let eIndex = b * params.strideE + row * params.lde + col;
  switch (EPILOGUE) {
    case 1u: {
      acc = max(acc, 0.0);
    }
    case 2u: {
      acc = sigmoid(acc) * E[eIndex];
    }
    case 3u: {
      acc = E[eIndex] + acc;
    }
    case 4u: {
      acc = C[cIndex] + acc;
    }
    default: {}
  }
  C[cIndex] = acc;
}
