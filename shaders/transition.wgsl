// transition.wgsl — AF2 supplement Algorithm 9 (MSATransition) and Algorithm 15 (PairTransition),
// lines 1–4, fused into one dispatch; the [rows, n·c] hidden activations never leave the workgroup.
//
//   x̂ = LayerNorm(x);   h = relu(x̂ · W1 + b1)  [n·c];   x += h · W2 + b2
//
// Bindings (group 0), row-major, last axis fastest:
//   0 params  uniform           see Params
//   1 weights read              packed by transition.ts (element offsets in params):
//                               lnScale, lnOffset [c]; W1 [c, H]; b1 [H]; W2 [H, c]; b2 [c]
//   2 x       [rows, c]         read-write: x += Transition(x) for rows r0 … r0+count−1
// Storage type (alias prepended by the descriptor): x_t, the element type of x (f32, or f16 for
// activations stored in half precision); arithmetic is f32.
//
// Workgroup layout: 256 invocations, one block of RB = 32 rows, all c ≤ 256 output channels
// (grid: row blocks). LayerNorm statistics first (8 invocations per row, two-pass). Then the
// hidden axis in chunks of HC = 32:
//   1. h chunk [32 rows × 32] = relu(x̂ · W1 + b1), K = c in steps of TK through workgroup tiles
//      (x̂ normalised while staging); invocation t owns row t/8, hidden 4·(t%8) … +3;
//      stored in workgroup memory.
//   2. out [32 rows × c] += h chunk · W2 chunk, in registers: invocation t owns rows
//      4·(t/32) … +3 and channels 4·(t%32) … +3 and 128 + 4·(t%32) … +3.
// Each row's x is read (for the statistics and the tiles) only by its own workgroup, and written
// at the end, so the update is in place without a race. c ≤ 256 (AF2: c_m = 256, c_z = 128);
// transition.ts composes layernorm + matmul for larger c.

const RB: u32 = 32u;
const HC: u32 = 32u;
const TK: u32 = 16u;
const THREADS: u32 = 256u;

struct Params {
  r0: u32,
  count: u32,
  c: u32,
  hidden: u32,
  eps: f32,
  lnScale: u32,
  lnOffset: u32,
  w1: u32,
  b1: u32,
  w2: u32,
  b2: u32,
  pad0: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> weights: array<f32>;
@group(0) @binding(2) var<storage, read_write> x: array<x_t>;

// xT[kk·RB + m] = x̂[row0 + m, k0 + kk]
var<workgroup> xT: array<f32, TK * RB>;
// w1T[kk·HC/4 + hq] = W1[k0 + kk, h0 + 4hq … +3]
var<workgroup> w1T: array<vec4f, TK * HC / 4u>;
// hS[hh·RB/4 + m/4][m%4] = h[row0 + m, h0 + hh]
var<workgroup> hS: array<vec4f, HC * RB / 4u>;
var<workgroup> red: array<f32, THREADS>;
var<workgroup> meanS: array<f32, RB>;
var<workgroup> rstdS: array<f32, RB>;

fn rowSum(t: u32, v: f32) -> f32 {
  red[t] = v;
  workgroupBarrier();
  var s = 0.0;
  if (t < RB) {
    for (var g = 0u; g < THREADS / RB; g++) {
      s += red[t + g * RB];
    }
  }
  workgroupBarrier();
  return s;
}

fn w2x4(h: u32, f: u32) -> vec4f {
  var w = vec4f(0.0);
  for (var q = 0u; q < 4u; q++) {
    if (f + q < params.c) {
      w[q] = weights[params.w2 + h * params.c + f + q];
    }
  }
  return w;
}

@compute @workgroup_size(THREADS, 1, 1)
fn main(@builtin(local_invocation_index) t: u32, @builtin(workgroup_id) wid: vec3u) {
  let c = params.c;
  let H = params.hidden;
  let row0 = params.r0 + wid.x * RB;
  let rowEnd = params.r0 + params.count;

  // LayerNorm statistics: invocation t sums channels g, g + 8, … of row m.
  let m = t % RB;
  let g = t / RB;
  let G = THREADS / RB;
  let row = row0 + m;
  var s = 0.0;
  if (row < rowEnd) {
    for (var k = g; k < c; k += G) {
      s += f32(x[row * c + k]);
    }
  }
  let total = rowSum(t, s);
  if (t < RB) {
    meanS[t] = total / f32(c);
  }
  workgroupBarrier();
  let mean = meanS[m];
  var v = 0.0;
  if (row < rowEnd) {
    for (var k = g; k < c; k += G) {
      let d = f32(x[row * c + k]) - mean;
      v = fma(d, d, v);
    }
  }
  let vtotal = rowSum(t, v);
  if (t < RB) {
    rstdS[t] = inverseSqrt(vtotal / f32(c) + params.eps);
  }
  workgroupBarrier();

  // Phase-1 ownership: row hr, hidden 4hq … 4hq+3 of the chunk.
  let hr = t / (HC / 4u);
  let hq = t % (HC / 4u);
  // Phase-2 ownership: rows 4tr … 4tr+3, channels fA … fA+3 and fA+128 … fA+131.
  let tr = t / 32u;
  let fA = 4u * (t % 32u);
  let fB = fA + 128u;

  var oA0 = vec4f(0.0);
  var oA1 = vec4f(0.0);
  var oA2 = vec4f(0.0);
  var oA3 = vec4f(0.0);
  var oB0 = vec4f(0.0);
  var oB1 = vec4f(0.0);
  var oB2 = vec4f(0.0);
  var oB3 = vec4f(0.0);

  for (var h0 = 0u; h0 < H; h0 += HC) {
    var acc = vec4f(0.0);
    for (var k0 = 0u; k0 < c; k0 += TK) {
      for (var u = t; u < TK * RB; u += THREADS) {
        let mm = u / TK;
        let kk = u % TK;
        let r = row0 + mm;
        let k = k0 + kk;
        var xv = 0.0;
        if (r < rowEnd && k < c) {
          let xn = (f32(x[r * c + k]) - meanS[mm]) * rstdS[mm];
          xv = fma(xn, weights[params.lnScale + k], weights[params.lnOffset + k]);
        }
        xT[kk * RB + mm] = xv;
      }
      for (var u = t; u < TK * HC / 4u; u += THREADS) {
        let kk = u / (HC / 4u);
        let q4 = u % (HC / 4u);
        let k = k0 + kk;
        var w = vec4f(0.0);
        for (var q = 0u; q < 4u; q++) {
          let h = h0 + 4u * q4 + q;
          if (k < c && h < H) {
            w[q] = weights[params.w1 + k * H + h];
          }
        }
        w1T[u] = w;
      }
      workgroupBarrier();
      for (var kk = 0u; kk < TK; kk++) {
        acc = fma(vec4f(xT[kk * RB + hr]), w1T[kk * (HC / 4u) + hq], acc);
      }
      workgroupBarrier();
    }
    // relu(acc + b1); hidden units beyond H stay 0.
    for (var q = 0u; q < 4u; q++) {
      let h = h0 + 4u * hq + q;
      var hv = 0.0;
      if (h < H) {
        hv = max(acc[q] + weights[params.b1 + h], 0.0);
      }
      hS[(4u * hq + q) * (RB / 4u) + hr / 4u][hr % 4u] = hv;
    }
    workgroupBarrier();
    for (var hh = 0u; hh < HC; hh++) {
      let h = h0 + hh;
      if (h >= H) {
        break;
      }
      let o = hS[hh * (RB / 4u) + tr];
      let wA = w2x4(h, fA);
      let wB = w2x4(h, fB);
      oA0 = fma(vec4f(o.x), wA, oA0);
      oA1 = fma(vec4f(o.y), wA, oA1);
      oA2 = fma(vec4f(o.z), wA, oA2);
      oA3 = fma(vec4f(o.w), wA, oA3);
      oB0 = fma(vec4f(o.x), wB, oB0);
      oB1 = fma(vec4f(o.y), wB, oB1);
      oB2 = fma(vec4f(o.z), wB, oB2);
      oB3 = fma(vec4f(o.w), wB, oB3);
    }
    workgroupBarrier();
  }

  // Rows as named values (no dynamic indexing of a private array).
  addRow(row0 + 4u * tr, rowEnd, fA, oA0, oB0);
  addRow(row0 + 4u * tr + 1u, rowEnd, fA, oA1, oB1);
  addRow(row0 + 4u * tr + 2u, rowEnd, fA, oA2, oB2);
  addRow(row0 + 4u * tr + 3u, rowEnd, fA, oA3, oB3);
}

// x[r, fA … fA+3] += oA + b2, x[r, fA+128 … fA+131] += oB + b2 (in-range entries only).
fn addRow(r: u32, rowEnd: u32, fA: u32, oA: vec4f, oB: vec4f) {
  let c = params.c;
  if (r >= rowEnd) {
    return;
  }
  for (var q = 0u; q < 4u; q++) {
    let f = fA + q;
    if (f < c) {
      x[r * c + f] = x_t(f32(x[r * c + f]) + oA[q] + weights[params.b2 + f]);
    }
    if (f + 128u < c) {
      x[r * c + f + 128u] = x_t(f32(x[r * c + f + 128u]) + oB[q] + weights[params.b2 + f + 128u]);
    }
  }
}
