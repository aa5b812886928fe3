/**
 * The model's parameters on the device: uploaded once per model (per `ParamsHandle`), kept for
 * every fold that uses it, f32, every buffer labelled with its AF2 key.
 *
 * Two kinds of buffers:
 * - `array(key, block?)`: one AF2 array as stored (stacked arrays [n_blocks, …] split per block;
 *   label `key[block]`).
 * - `module(name, build)`: a module's weights in the layouts its kernels read (fused projections,
 *   packed triangle weights, …), built once from the host arrays and cached under the module
 *   instance's name, e.g. `evoformer_iteration[3]/msa_row_attention_with_pair_bias`.
 *
 * DISCREPANCY: the memory planner (plan/weights.ts) models one buffer per module instance with
 * arrays at 256-byte offsets; here a module owns a few buffers (one per fused operand). The bytes
 * are the same up to alignment; the buffer count differs.
 */
import { type BufferPool, readFloat32 } from '../gpu/buffers.ts';
import type { NdArray } from '../model/ndarray.ts';
import { asF32, type Params, stackSlice } from '../model/reference/ops.ts';

export class DeviceWeights {
  private readonly arrays = new Map<string, GPUBuffer>();
  private readonly modules = new Map<string, unknown>();
  private readonly owned: GPUBuffer[] = [];

  constructor(
    readonly pool: BufferPool,
    readonly params: Params,
    /** Prefix of every label (the params file name). */
    readonly name = 'params',
  ) {}

  /** Bytes uploaded so far. */
  get bytes(): number {
    return this.owned.reduce((a, b) => a + b.size, 0);
  }

  /** Buffers uploaded so far. */
  get count(): number {
    return this.owned.length;
  }

  /** The host array under `key` (f32), or its block `block` for a stacked array. */
  host(key: string, block?: number): NdArray<Float32Array> {
    const a = this.params[key];
    if (!a) throw new Error(`missing parameter ${key}`);
    const t = asF32(a, key);
    return block === undefined ? t : stackSlice(t, block, key);
  }

  /** One AF2 array (or one block of a stacked array) on the device. */
  array(key: string, block?: number): GPUBuffer {
    const id = block === undefined ? key : `${key}[${block}]`;
    let buf = this.arrays.get(id);
    if (!buf) {
      buf = this.upload(id, this.host(key, block).data);
      this.arrays.set(id, buf);
    }
    return buf;
  }

  /** Uploads packed data as a weight buffer owned by this set (label: `<name> <label>`). */
  upload(label: string, data: Float32Array): GPUBuffer {
    const buf = this.pool.upload(data, `${this.name} ${label}`);
    this.owned.push(buf);
    return buf;
  }

  /** A module's device weights, built once by `build` and cached under `name`. */
  module<T>(name: string, build: () => T): T {
    let w = this.modules.get(name) as T | undefined;
    if (w === undefined) {
      w = build();
      this.modules.set(name, w);
    }
    return w;
  }

  /** Releases every buffer to the pool (the pool owns and destroys them). */
  release(): void {
    for (const b of this.owned) this.pool.release(b);
    this.owned.length = 0;
    this.arrays.clear();
    this.modules.clear();
  }
}

/** Reads a weight buffer back (tests). */
export function readWeights(device: GPUDevice, buf: GPUBuffer, length: number): Promise<Float32Array> {
  return readFloat32(device, buf, length);
}
