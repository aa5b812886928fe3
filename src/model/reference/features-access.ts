/**
 * Reading the AF2 feature dict (the keys of `features/build-features.ts` and the golden
 * `inputs*.npz`) for the CPU reference: a missing or mis-shaped feature is an error that names
 * the key and the shape expected, never a silent zero.
 */
import { formatShape, type NdArray } from '../ndarray.ts';
import { asF32, type Tensor, tensor } from './ops.ts';

export type Features = Record<string, NdArray>;

/** Feature `name` as f32; `shape` entries of -1 are free, others must match. */
export function featureF32(features: Features, name: string, shape?: number[]): Tensor {
  const a = features[name];
  if (!a)
    throw new Error(`missing feature ${name}${shape ? ` (expected shape ${describeShape(shape)})` : ''}`);
  checkShape(a, name, shape);
  return asF32(a, `feature ${name}`);
}

/** Mask feature `name` as f32, or all ones when the features do not carry it (AF2's default). */
export function maskOrOnes(features: Features, name: string, shape: number[]): Tensor {
  if (name in features) return featureF32(features, name, shape);
  const t = tensor(shape);
  t.data.fill(1);
  return t;
}

/** Integer feature `name` (aatype, residue_index, msa, …) as Int32Array. */
export function featureI32(features: Features, name: string, shape?: number[]): Int32Array {
  const a = features[name];
  if (!a)
    throw new Error(`missing feature ${name}${shape ? ` (expected shape ${describeShape(shape)})` : ''}`);
  checkShape(a, name, shape);
  const d = a.data;
  if (d instanceof Int32Array) return d;
  if (d instanceof BigInt64Array) return Int32Array.from(d, (v) => Number(v));
  if (d instanceof Uint16Array) throw new Error(`feature ${name}: float16 is not an integer type`);
  return Int32Array.from(d as ArrayLike<number>, (v) => Math.round(v));
}

function describeShape(shape: number[]): string {
  return `[${shape.map((d) => (d < 0 ? '*' : String(d))).join(', ')}]`;
}

function checkShape(a: NdArray, name: string, shape?: number[]): void {
  if (!shape) return;
  if (a.shape.length !== shape.length || shape.some((d, i) => d >= 0 && d !== a.shape[i])) {
    throw new Error(`feature ${name}: shape ${formatShape(a.shape)}, expected ${describeShape(shape)}`);
  }
}
