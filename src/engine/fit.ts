/**
 * The WebGPU engine's whole-tensor buffers, checked against the device's per-buffer limits before
 * anything is allocated, so a fold that cannot run is refused up front with the buffer, the bytes
 * it needs and the limit (a PlanError), instead of failing part-way through a recycle.
 *
 * Chunked transients (attention lines, bias rows, triangle windows and channel groups) are sized
 * to fit by src/engine/evoformer/chunks.ts and block.ts and are not listed here; these are the
 * tensors the engine holds whole: the activations, the scratch tensors the size of z, and the
 * inputs. Total device memory is not checked: WebGPU does not report it (see `webfold plan`).
 */
import { PlanError } from './plan/errors.ts';

/** What the fold holds whole, from the model's widths and the input's sizes. */
export interface FoldShape {
  nRes: number;
  /** MSA rows in the Evoformer (cluster rows + template rows). */
  nSeq: number;
  nExtra: number;
  cm: number;
  cz: number;
  ce: number;
  /** Attention heads of the pair bias / triangle biases (largest). */
  heads: number;
  /** Outer-product-mean projection width C. */
  opmC: number;
  /** Bytes per stored activation (4 f32, 2 f16). */
  actBytes: number;
  /** The [N_res, N_res, bins] logits heads are read back (fullOutputs). */
  logitsBins?: number;
  /** Templates: their count, c_t and the pointwise attention's H·C. */
  templates?: { count: number; ct: number; hc: number };
}

export interface BufferLimits {
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
}

/** The engine's whole-tensor buffers: name, layout and bytes. */
export function wholeBuffers(s: FoldShape): { name: string; bytes: number }[] {
  const N = s.nRes;
  const pair = N * N;
  const list = [
    {
      name: "z [N_res, N_res, c_z] (also z^prev and the structure module's LayerNorm(z))",
      bytes: pair * s.cz * s.actBytes,
    },
    { name: 'm [N_seq, N_res, c_m]', bytes: s.nSeq * N * s.cm * s.actBytes },
    { name: 'msa_feat [N_seq, N_res, 49] f32', bytes: s.nSeq * N * 49 * 4 },
    { name: 'e [N_extra, N_res, c_e]', bytes: s.nExtra * N * s.ce * s.actBytes },
    { name: 'attention bias [N_res, N_res, H] f32', bytes: pair * s.heads * 4 },
    {
      name: 'outer product mean a|b [N_seq, N_res, 2C] f32',
      bytes: Math.max(s.nSeq, s.nExtra) * N * 2 * s.opmC * 4,
    },
  ];
  if (s.templates && s.templates.count > 0) {
    const { count, ct, hc } = s.templates;
    list.push(
      { name: 'templates [N_templ, N_res, N_res, c_t] f32', bytes: count * pair * ct * 4 },
      { name: 'template keys|values [N_templ, N_res, N_res, 2·H·C] f32', bytes: count * pair * 2 * hc * 4 },
    );
  }
  if (s.logitsBins)
    list.push({ name: 'logits heads [N_res, N_res, bins] f32', bytes: pair * s.logitsBins * 4 });
  return list;
}

/** Throws a PlanError for the first whole-tensor buffer over a per-buffer limit. */
export function assertFoldFits(s: FoldShape, limits: BufferLimits): void {
  const cap = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
  const limitName =
    limits.maxStorageBufferBindingSize <= limits.maxBufferSize
      ? 'maxStorageBufferBindingSize'
      : 'maxBufferSize';
  for (const b of wholeBuffers(s)) {
    if (b.bytes > cap) {
      throw new PlanError(
        `fold of ${s.nRes} residues`,
        b.bytes,
        cap,
        limitName,
        `${b.name} is held whole by the WebGPU engine; a shorter sequence, a shallower MSA, f16 storage or a device with larger buffers would fit`,
      );
    }
  }
}
