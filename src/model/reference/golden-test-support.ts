/**
 * Test support (Node only): load a per-module golden pair from `test/fixtures/golden/modules/`
 * (or `$WEBFOLD_GOLDEN_DIR/modules/`, to run the same tests on another golden set) and measure
 * errors. Never imported by non-test code.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { NdArray } from '../ndarray.ts';
import { readNpz } from '../params/npz.ts';
import { fileSource } from '../params/source-node.ts';
import { asF32, type Params, type Tensor } from './ops.ts';

export const GOLDEN_DIR =
  process.env.WEBFOLD_GOLDEN_DIR ?? fileURLToPath(new URL('../../../test/fixtures/golden/', import.meta.url));

/** The stated per-stage tolerance: max |got − want| ≤ 1e-4 · max |want|. */
export const REL_TOL = 1e-4;

export interface ModuleIndexEntry {
  param_prefixes: string[];
  stack_index: number | null;
  note: string;
  params: Record<string, number[]>;
  inputs: Record<string, number[]>;
  outputs: Record<string, number[]>;
}

export interface GoldenModule {
  entry: ModuleIndexEntry;
  /** Parameters under their full AF2 keys (block dimension already removed). */
  params: Params;
  inputs: Record<string, Tensor>;
  outputs: Record<string, Tensor>;
  /** The first param prefix (the module's AF2 path). */
  path: string;
}

export async function loadGoldenModule(name: string): Promise<GoldenModule> {
  const index = JSON.parse(readFileSync(`${GOLDEN_DIR}/modules/index.json`, 'utf8')) as Record<
    string,
    ModuleIndexEntry
  >;
  const entry = index[name];
  if (!entry) throw new Error(`golden module ${name} is not in ${GOLDEN_DIR}/modules/index.json`);
  const source = await fileSource(`${GOLDEN_DIR}/modules/${name}.npz`);
  let arrays: Record<string, NdArray>;
  try {
    arrays = await readNpz(source);
  } finally {
    await source.close?.();
  }
  const params: Params = {};
  const inputs: Record<string, Tensor> = {};
  const outputs: Record<string, Tensor> = {};
  for (const [k, a] of Object.entries(arrays)) {
    if (k.startsWith('in_')) inputs[k.slice(3)] = asF32(a, k);
    else if (k.startsWith('out_')) outputs[k.slice(4)] = asF32(a, k);
    else params[k] = a;
  }
  return { entry, params, inputs, outputs, path: entry.param_prefixes[0] };
}

/** A whole golden .npz (e.g. `params.npz`, `inputs.npz`, `outputs.npz`) by file name. */
export async function loadGoldenNpz(file: string): Promise<Record<string, NdArray>> {
  const source = await fileSource(`${GOLDEN_DIR}/${file}`);
  try {
    return await readNpz(source);
  } finally {
    await source.close?.();
  }
}

export interface ErrorReport {
  maxAbsErr: number;
  maxAbsRef: number;
  /** maxAbsErr / maxAbsRef */
  rel: number;
}

export function compare(got: Tensor, want: Tensor): ErrorReport {
  if (got.shape.join(',') !== want.shape.join(',')) {
    throw new Error(`shape mismatch: got [${got.shape}] want [${want.shape}]`);
  }
  let maxAbsErr = 0;
  let maxAbsRef = 0;
  for (let i = 0; i < want.data.length; i++) {
    const e = Math.abs(got.data[i] - want.data[i]);
    if (!(e <= maxAbsErr) && !Number.isNaN(maxAbsErr)) maxAbsErr = e; // a NaN, once seen, stays
    const r = Math.abs(want.data[i]);
    if (r > maxAbsRef) maxAbsRef = r;
  }
  return { maxAbsErr, maxAbsRef, rel: maxAbsErr / maxAbsRef };
}

/** True when the mask has at least one zero (so the test really exercises masking). */
export function hasMaskedEntries(mask: Tensor): boolean {
  return mask.data.some((v) => v === 0);
}
