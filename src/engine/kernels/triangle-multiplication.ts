/**
 * Algorithm 11 (TriangleMultiplicationOutgoing) and Algorithm 12 (TriangleMultiplicationIncoming)
 * on the GPU: one kernel family (shaders/triangle_multiplication.wgsl) with the orientation as an
 * override constant. Reference: src/model/reference/triangle-multiplication.ts.
 *
 *   project   (lines 1–2)  z [N, N, c_z] → left, right [c, N, N] channel-major, from
 *                          x = LayerNorm(z), gated and masked
 *   contract  (line 3)     left, right → t [c, rows, N] for a window of output rows
 *   finish    (line 4)     out [rows, N, c_z] = z + sigmoid(Linear(x)) ⊙ Linear(LayerNorm(t)),
 *                          x recomputed from z (no [N, N, c_z] LayerNorm(z) scratch); out is
 *                          copied into the window's rows of z
 *
 * Three dispatches per module when the window is all N rows; 1 + 2·⌈N / rows⌉ otherwise.
 * Channel chunks bound left/right to [chunk, N, N] (each chunk is projected and contracted in
 * turn, per window, and the windows go to zOut, since later windows re-project z):
 * ⌈N/rows⌉ · (⌈c/chunk⌉ · (⌈N/projectRows⌉ + 1) + 1).
 */

import triangleWgsl from '../../../shaders/triangle_multiplication.wgsl?raw';
import { type KernelDescriptor, type StorageType, storageBytes } from '../../gpu/kernel.ts';
import type { Recorder } from '../../gpu/launch.ts';
import { LN_EPS, type Params, param } from '../../model/reference/ops.ts';
import type { TriangleMultiplicationOrientation } from '../../model/reference/triangle-multiplication.ts';
import { type LineRange, linesOf } from './line-range.ts';

export type { TriangleMultiplicationOrientation } from '../../model/reference/triangle-multiplication.ts';

export type TriangleStage = 'project' | 'contract' | 'finish';

/** Value of the WGSL `ORIENTATION` override. */
export const ORIENTATION_CODE: Record<TriangleMultiplicationOrientation, number> = {
  outgoing: 0,
  incoming: 1,
};

/** WG_X × WG_Y invocations, each a 4 × 4 register tile; K in steps of tileK. */
export interface TriangleTile {
  wgX: number;
  wgY: number;
  tileK: number;
}

export const DEFAULT_TRIANGLE_TILE: TriangleTile = { wgX: 16, wgY: 16, tileK: 16 };

/** Element offsets of each parameter inside the packed weight buffer. */
export interface TriangleWeightLayout {
  /** c_z: pair channels. */
  cz: number;
  /** c: projection channels (AF2: 128; the golden set: 16). */
  c: number;
  lnScale: number;
  lnOffset: number;
  /** [c_z, c, 4]: left_projection, left_gate, right_projection, right_gate (fastest). */
  proj: number;
  /** [c, 4] */
  projBias: number;
  centerScale: number;
  centerOffset: number;
  /** [c, c_z] */
  outW: number;
  outB: number;
  /** [c_z, c_z] */
  gateW: number;
  gateB: number;
  /** Elements in the packed buffer. */
  length: number;
}

export interface PackedTriangleWeights {
  layout: TriangleWeightLayout;
  data: Float32Array;
}

const QUANTITIES = ['left_projection', 'left_gate', 'right_projection', 'right_gate'] as const;

/**
 * Packs one triangle multiplication's AF2 parameters (under `path`) into a single buffer so the
 * kernels need few bindings. Channel counts come from the weight shapes.
 */
export function packTriangleMultiplicationWeights(params: Params, path: string): PackedTriangleWeights {
  const lnScale = param(params, `${path}/layer_norm_input`, 'scale');
  const lnOffset = param(params, `${path}/layer_norm_input`, 'offset');
  const cz = lnScale.data.length;
  const proj = QUANTITIES.map((q) => param(params, `${path}/${q}`, 'weights'));
  const projB = QUANTITIES.map((q) => param(params, `${path}/${q}`, 'bias'));
  const c = proj[0].shape[1];
  for (const [n, w] of proj.entries()) {
    if (w.shape.length !== 2 || w.shape[0] !== cz || w.shape[1] !== c) {
      throw new Error(`${path}/${QUANTITIES[n]}//weights: shape [${w.shape}], expected [${cz}, ${c}]`);
    }
  }
  const centerScale = param(params, `${path}/center_layer_norm`, 'scale');
  const centerOffset = param(params, `${path}/center_layer_norm`, 'offset');
  const outW = param(params, `${path}/output_projection`, 'weights');
  const outB = param(params, `${path}/output_projection`, 'bias');
  const gateW = param(params, `${path}/gating_linear`, 'weights');
  const gateB = param(params, `${path}/gating_linear`, 'bias');
  if (outW.shape[0] !== c || outW.shape[1] !== cz) {
    throw new Error(`${path}/output_projection//weights: shape [${outW.shape}], expected [${c}, ${cz}]`);
  }
  if (gateW.shape[0] !== cz || gateW.shape[1] !== cz) {
    throw new Error(`${path}/gating_linear//weights: shape [${gateW.shape}], expected [${cz}, ${cz}]`);
  }

  let at = 0;
  const take = (n: number) => {
    const o = at;
    at += n;
    return o;
  };
  const layout: TriangleWeightLayout = {
    cz,
    c,
    lnScale: take(cz),
    lnOffset: take(cz),
    proj: take(cz * c * 4),
    projBias: take(c * 4),
    centerScale: take(c),
    centerOffset: take(c),
    outW: take(c * cz),
    outB: take(cz),
    gateW: take(cz * cz),
    gateB: take(cz),
    length: 0,
  };
  layout.length = at;
  const data = new Float32Array(at);
  data.set(lnScale.data, layout.lnScale);
  data.set(lnOffset.data, layout.lnOffset);
  for (let k = 0; k < cz; k++) {
    for (let ch = 0; ch < c; ch++) {
      for (let q = 0; q < 4; q++) data[layout.proj + (k * c + ch) * 4 + q] = proj[q].data[k * c + ch];
    }
  }
  for (let ch = 0; ch < c; ch++) {
    for (let q = 0; q < 4; q++) data[layout.projBias + ch * 4 + q] = projB[q].data[ch];
  }
  data.set(centerScale.data, layout.centerScale);
  data.set(centerOffset.data, layout.centerOffset);
  data.set(outW.data, layout.outW);
  data.set(outB.data, layout.outB);
  data.set(gateW.data, layout.gateW);
  data.set(gateB.data, layout.gateB);
  return { layout, data };
}

/** Runtime sizes of one dispatch: the row window and where the weights are. */
export interface TriangleDims {
  N: number;
  /** First row of the window (z rows for project, output rows i for contract / finish). */
  r0: number;
  /** Rows in the window. */
  rows: number;
  layout: TriangleWeightLayout;
  /** project / contract: first channel and channels of the chunk (default 0 and all c). */
  ch0?: number;
  channels?: number;
  eps?: number;
}

function packParams(d: TriangleDims): Uint32Array {
  const L = d.layout;
  const u = new Uint32Array(18);
  u.set([d.N, d.r0, d.rows, L.cz, d.ch0 ?? 0, d.channels ?? L.c, L.c]);
  new Float32Array(u.buffer)[7] = d.eps ?? LN_EPS;
  u.set(
    [
      L.lnScale,
      L.lnOffset,
      L.proj,
      L.projBias,
      L.centerScale,
      L.centerOffset,
      L.outW,
      L.outB,
      L.gateW,
      L.gateB,
    ],
    8,
  );
  return u;
}

function checkWindow(d: TriangleDims): void {
  const ok = (v: number) => Number.isInteger(v) && v >= 0;
  if (!ok(d.N) || !ok(d.r0) || !ok(d.rows) || d.r0 + d.rows > d.N) {
    throw new RangeError(
      `triangle multiplication: window rows ${d.r0}…${d.r0 + d.rows - 1} outside N=${d.N}`,
    );
  }
  const L = d.layout;
  if (Math.max(d.N * d.N * Math.max(L.c, L.cz), L.length) > 0xffffffff) {
    throw new RangeError(`triangle multiplication: N=${d.N} overflows u32 indices`);
  }
  const ch0 = d.ch0 ?? 0;
  const channels = d.channels ?? L.c;
  if (!ok(ch0) || !ok(channels) || ch0 + channels > L.c) {
    throw new RangeError(`triangle multiplication: channels ${ch0}+${channels} outside c=${L.c}`);
  }
}

const BINDINGS: Record<TriangleStage, KernelDescriptor<TriangleDims>['bindings']> = {
  project: [
    { name: 'params', kind: 'uniform' },
    { name: 'z', kind: 'read-only-storage' },
    { name: 'mask', kind: 'read-only-storage' },
    { name: 'weights', kind: 'read-only-storage' },
    { name: 'left', kind: 'storage' },
    { name: 'right', kind: 'storage' },
  ],
  contract: [
    { name: 'params', kind: 'uniform' },
    { name: 'left', kind: 'read-only-storage' },
    { name: 'right', kind: 'read-only-storage' },
    { name: 't', kind: 'storage' },
  ],
  finish: [
    { name: 'params', kind: 'uniform' },
    { name: 'z', kind: 'read-only-storage' },
    { name: 't', kind: 'read-only-storage' },
    { name: 'weights', kind: 'read-only-storage' },
    { name: 'out', kind: 'storage' },
  ],
};

/** One stage of the family. The orientation only changes `contract`'s operand reads. */
export function triangleMultiplicationKernel(
  stage: TriangleStage,
  orientation: TriangleMultiplicationOrientation = 'outgoing',
  tile: TriangleTile = DEFAULT_TRIANGLE_TILE,
  zType: StorageType = 'f32',
): KernelDescriptor<TriangleDims> {
  const { wgX, wgY, tileK } = tile;
  // The LayerNorm statistics split WG_X·WG_Y invocations evenly over 4·WG_X (project) or
  // 4·WG_Y (finish) pairs.
  if (wgY % 4 !== 0 || wgX % 4 !== 0 || tileK < 1) {
    throw new RangeError(
      `triangle multiplication: tile ${JSON.stringify(tile)} needs WG_X, WG_Y multiples of 4`,
    );
  }
  const workgroups = (d: TriangleDims): [number, number, number] => {
    checkWindow(d);
    const L = d.layout;
    switch (stage) {
      case 'project':
        return [Math.ceil((d.rows * d.N) / (4 * wgX)), Math.ceil((d.channels ?? L.c) / wgY), 1];
      case 'contract':
        return [
          Math.ceil(d.N / (4 * wgX)),
          Math.ceil(d.rows / (4 * wgY)),
          d.rows > 0 ? (d.channels ?? L.c) : 0,
        ];
      case 'finish':
        return [Math.ceil(L.cz / (4 * wgX)), Math.ceil((d.rows * d.N) / (4 * wgY)), 1];
    }
  };
  return {
    name: 'triangle_multiplication',
    source: triangleWgsl,
    entryPoint: stage,
    // ORIENTATION only matters to `contract`; the other stages share one pipeline.
    constants: {
      WG_X: wgX,
      WG_Y: wgY,
      TILE_K: tileK,
      ORIENTATION: stage === 'contract' ? ORIENTATION_CODE[orientation] : 0,
    },
    // left/right are stored like z: in f16 where the activations are
    types: { z_t: zType, lr_t: zType },
    bindings: BINDINGS[stage],
    workgroups,
    uniforms: packParams,
  };
}

/** Device buffers of one module application. */
export interface TriangleMultiplicationBuffers {
  /** [N, N, c_z], updated (z += update) window by window. */
  z: GPUBuffer;
  /** [N, N] pair mask. */
  mask: GPUBuffer;
  /** Packed weights (packTriangleMultiplicationWeights). */
  weights: GPUBuffer;
  /** Scratch [rows, N, c_z]: one window's z + update, then copied into z (or zOut). */
  out: GPUBuffer;
  /** Scratch [channel chunk, N, N] each. */
  left: GPUBuffer;
  right: GPUBuffer;
  /** Scratch [c, rows, N] for the largest window. */
  t: GPUBuffer;
  /**
   * [N, N, c_z] output when given (z is then only read): z_out = z + update, for the windows'
   * rows. Required with channel chunks, which re-project z for every window.
   */
  zOut?: GPUBuffer;
}

/** Bytes of each scratch buffer for N residues and a row window of `rows` (out, left and right stored as zType). */
export function triangleScratchBytes(
  N: number,
  layout: TriangleWeightLayout,
  rows = N,
  channels = layout.c,
  zType: StorageType = 'f32',
): { out: number; left: number; right: number; t: number } {
  const chunk = Math.min(channels, layout.c);
  return {
    out: storageBytes(zType) * Math.min(rows, N) * N * layout.cz,
    left: storageBytes(zType) * chunk * N * N,
    right: storageBytes(zType) * chunk * N * N,
    t: 4 * layout.c * Math.min(rows, N) * N,
  };
}

/**
 * Most rows per window for which the project (pairs / 4·WG_X) and finish (pairs / 4·WG_Y) grids
 * stay within `maxWorkgroupsPerDimension` (65535 in WebGPU); N_res = 2048 needs two windows.
 */
export function triangleMaxWindowRows(
  N: number,
  maxWorkgroupsPerDimension: number,
  tile: TriangleTile = DEFAULT_TRIANGLE_TILE,
): number {
  const pairsPerGroup = 4 * Math.min(tile.wgX, tile.wgY);
  return Math.max(1, Math.min(N, Math.floor((maxWorkgroupsPerDimension * pairsPerGroup) / Math.max(N, 1))));
}

export interface TriangleMultiplicationOptions {
  /** Output rows per contract/finish window (default N: one window). */
  rows?: number;
  /** Rows per project window (default N). */
  projectRows?: number;
  /** Channels per chunk of left/right (default all c). More than one chunk needs bufs.zOut. */
  channels?: number;
  tile?: TriangleTile;
  eps?: number;
  /** Element type of z, zOut, the window scratch and left/right (default f32). */
  zType?: StorageType;
  /** Output rows to update (default all; the projections always cover all of z). */
  range?: LineRange;
  /** Called after each window's output is written with one past its last row. */
  onRows?: (end: number) => void;
}

/**
 * Records z += TriangleMultiplication(z, mask) (Algorithm 11 or 12), or zOut = z + update when
 * bufs.zOut is given. With one channel chunk all projections are made before the first output
 * window is written, so every window sees the original z; with several, each window re-projects
 * chunk by chunk from the unchanged z. Returns the number of dispatches recorded.
 */
export async function recordTriangleMultiplication(
  rec: Recorder,
  orientation: TriangleMultiplicationOrientation,
  N: number,
  layout: TriangleWeightLayout,
  bufs: TriangleMultiplicationBuffers,
  opts: TriangleMultiplicationOptions = {},
): Promise<number> {
  const before = rec.dispatches;
  const tile = opts.tile ?? DEFAULT_TRIANGLE_TILE;
  // Windows default to all N rows, capped so no grid dimension exceeds the device's limit.
  const maxRows = triangleMaxWindowRows(N, rec.ctx.device.limits.maxComputeWorkgroupsPerDimension, tile);
  const rows = Math.max(1, Math.min(opts.rows ?? maxRows, N));
  const projectRows = Math.max(1, Math.min(opts.projectRows ?? maxRows, N));
  const base = { N, layout, eps: opts.eps };
  const project = triangleMultiplicationKernel('project', orientation, tile, opts.zType);
  const contract = triangleMultiplicationKernel('contract', orientation, tile, opts.zType);
  const finish = triangleMultiplicationKernel('finish', orientation, tile, opts.zType);
  const chunk = Math.max(1, Math.min(opts.channels ?? layout.c, layout.c));
  const chunked = chunk < layout.c;
  if (chunked && !bufs.zOut) {
    throw new Error('triangle multiplication: channel chunks need an output buffer zOut (z is re-read)');
  }
  const target = bufs.zOut ?? bufs.z;
  const rowBytes = N * layout.cz * storageBytes(opts.zType ?? 'f32');
  // [channels, N, N] left / right  (lines 1–2)
  const projectAll = async (ch0: number, channels: number) => {
    for (let r0 = 0; r0 < N; r0 += projectRows) {
      const d = { ...base, r0, rows: Math.min(projectRows, N - r0), ch0, channels };
      await rec.dispatch(project, d, {
        z: bufs.z,
        mask: bufs.mask,
        weights: bufs.weights,
        left: bufs.left,
        right: bufs.right,
      });
    }
  };
  if (!chunked) await projectAll(0, layout.c);
  const range = linesOf(N, opts.range);
  for (let r0 = range.start; r0 < range.end; r0 += rows) {
    const d = { ...base, r0, rows: Math.min(rows, range.end - r0) };
    if (chunked) {
      for (let ch0 = 0; ch0 < layout.c; ch0 += chunk) {
        const channels = Math.min(chunk, layout.c - ch0);
        await projectAll(ch0, channels);
        // [channels, rows, N] planes ch0 … of t  (line 3)
        await rec.dispatch(
          contract,
          { ...d, ch0, channels },
          { left: bufs.left, right: bufs.right, t: bufs.t },
        );
      }
    } else {
      // [c, rows, N] t  (line 3)
      await rec.dispatch(contract, d, { left: bufs.left, right: bufs.right, t: bufs.t });
    }
    // [rows, N, c_z] out = z + gate ⊙ output  (line 4), then the window's rows of z (or zOut)
    await rec.dispatch(finish, d, { t: bufs.t, weights: bufs.weights, z: bufs.z, out: bufs.out });
    rec.commandEncoder.copyBufferToBuffer(bufs.out, 0, target, d.r0 * rowBytes, d.rows * rowBytes);
    opts.onRows?.(d.r0 + d.rows);
  }
  return rec.dispatches - before;
}
