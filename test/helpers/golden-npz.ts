/** Test-only: read a golden .npz (zip of .npy) into NdArrays, with fflate + the params .npy parser. */
import { readFileSync } from 'node:fs';
import { unzipSync } from 'fflate';
import type { NdArray } from '../../src/model/ndarray.ts';
import { parseNpy } from '../../src/model/params/npy.ts';

export function loadNpz(path: string): Record<string, NdArray> {
  const files = unzipSync(new Uint8Array(readFileSync(path)));
  const out: Record<string, NdArray> = {};
  for (const [name, bytes] of Object.entries(files)) {
    // copy so typed-array views are aligned
    out[name.replace(/\.npy$/, '')] = parseNpy(bytes.slice(), name);
  }
  return out;
}

/** The elements of any NdArray as plain numbers (bigint → number). */
export function values(a: NdArray): number[] {
  const out: number[] = [];
  for (let i = 0; i < a.data.length; i++) out.push(Number(a.data[i]));
  return out;
}
