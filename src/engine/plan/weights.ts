/**
 * Weight buffers: the parameters uploaded once per model and kept on the device, one buffer per
 * module instance (e.g. `evoformer_iteration[7]/triangle_attention_starting_node`), each array at
 * an offset aligned to 256 bytes (WebGPU's largest minStorageBufferOffsetAlignment), so a kernel
 * binds one buffer per module and one window per array. Stacked arrays ([n_blocks, …]) are
 * split by block. Weights are stored in the storage precision (f16 weights in the f16 plan).
 */
import { ROOT } from '../../model/params/schema.ts';
import { PlanError } from './errors.ts';
import { alignedSize, dtypeBytes, elements } from './tensor-bytes.ts';
import type { DType } from './types.ts';

export const WEIGHT_OFFSET_ALIGNMENT = 256;

/** Stacks whose arrays carry a leading block axis, by the path component that names them. */
const STACKS = ['evoformer_iteration', 'extra_msa_stack', '__layer_stack_no_state'];
const STACK_NAMES: Record<string, string> = {
  evoformer_iteration: 'evoformer_iteration',
  extra_msa_stack: 'extra_msa_stack',
  __layer_stack_no_state: 'template_pair_stack',
};

export interface WeightMember {
  key: string;
  /** Shape of one block's slice (the block axis removed for stacked arrays). */
  shape: number[];
  /** Byte offset inside the buffer. */
  offset: number;
  /** For stacked arrays, the block this slice is. */
  block?: number;
}

export interface WeightBuffer {
  name: string;
  members: WeightMember[];
  /** Aligned bytes as BufferPool allocates them. */
  bytes: number;
}

function groupOf(key: string): { group: string; stacked: boolean } {
  const path = (key.split('//')[0] ?? key).replace(`${ROOT}/`, '');
  const parts = path.split('/');
  const s = parts.findIndex((p) => STACKS.includes(p));
  if (s >= 0) {
    const stack = STACK_NAMES[parts[s]] ?? parts[s];
    return { group: `${stack}/${parts[s + 1] ?? 'params'}`, stacked: true };
  }
  const depth = parts[0] === 'evoformer' || parts[0] === 'structure_module' ? 2 : 1;
  return { group: parts.slice(0, depth).join('/'), stacked: false };
}

/** Every weight buffer of a model, in key order, with the bytes BufferPool will allocate. */
export function planWeights(
  shapes: Map<string, number[]>,
  dtype: DType,
  maxBufferBytes: number,
): WeightBuffer[] {
  const el = dtypeBytes(dtype);
  const groups = new Map<string, WeightMember[]>();
  const ends = new Map<string, number>();
  const add = (name: string, m: Omit<WeightMember, 'offset'>) => {
    const start = Math.ceil((ends.get(name) ?? 0) / WEIGHT_OFFSET_ALIGNMENT) * WEIGHT_OFFSET_ALIGNMENT;
    const list = groups.get(name) ?? [];
    list.push({ ...m, offset: start });
    groups.set(name, list);
    ends.set(name, start + elements(m.shape) * el);
  };
  for (const [key, shape] of shapes) {
    const { group, stacked } = groupOf(key);
    if (stacked) {
      const [blocks, ...rest] = shape;
      for (let b = 0; b < blocks; b++) add(group.replace('/', `[${b}]/`), { key, shape: rest, block: b });
    } else {
      add(group, { key, shape });
    }
  }
  const out: WeightBuffer[] = [];
  for (const [name, members] of groups) {
    const bytes = alignedSize(ends.get(name) ?? 0);
    if (bytes > maxBufferBytes) {
      throw new PlanError(`weights ${name}`, bytes, maxBufferBytes, 'maxBufferBytes', 'one module’s weights');
    }
    out.push({ name, members, bytes });
  }
  return out;
}
