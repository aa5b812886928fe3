/** The golden fold's expected outputs, and a stored job's prediction compared with them. */
import { readFile } from 'node:fs/promises';
import { expect, type Page } from '@playwright/test';
import { readNpz } from '../src/model/params/npz.ts';
import { bufferSource } from '../src/model/params/source.ts';
import { openApp, setGoldenRunSettings } from './fold-helpers.ts';

export const GOLDEN = 'test/fixtures/golden';

export interface StoredPrediction {
  positions: number[];
  atomMask: number[];
  plddt: number[];
  engineLabel: string;
  /** how the fold was split, as the result records it */
  dap?: {
    transport: string;
    size: number;
    rank: number;
    exchange?: { gathers: number; bytesSent: number; exposedMs: number };
  };
}

/** The prediction of a stored job, read from IndexedDB as the app saved it. */
export async function storedPrediction(page: Page, jobId: string): Promise<StoredPrediction> {
  return page.evaluate(
    (id) =>
      new Promise<StoredPrediction>((resolve, reject) => {
        const req = indexedDB.open('webfold');
        req.onerror = () => reject(req.error);
        req.onsuccess = () => {
          const get = req.result.transaction('jobs').objectStore('jobs').get(id);
          get.onerror = () => reject(get.error);
          get.onsuccess = () => {
            const r = get.result.result;
            resolve({
              positions: Array.from(r.prediction.positions as Float32Array),
              atomMask: Array.from(r.prediction.atomMask as ArrayLike<number>),
              plddt: Array.from(r.prediction.plddt as Float32Array),
              engineLabel: String(r.engineLabel),
              dap: r.dap,
            });
          };
        };
      }),
    jobId,
  );
}

export interface GoldenOutputs {
  plddt: Float32Array;
  positions: Float32Array;
  mask: Float32Array;
  /** residues */
  numRes: number;
}

export async function goldenOutputs(): Promise<GoldenOutputs> {
  const golden = await readNpz(bufferSource(await readFile(`${GOLDEN}/outputs.npz`), 'outputs.npz'));
  const plddt = golden.plddt.data as Float32Array;
  return {
    plddt,
    positions: golden.final_atom_positions.data as Float32Array,
    mask: golden.final_atom_mask.data as Float32Array,
    numRes: plddt.length,
  };
}

/**
 * How far a prediction is from the golden one: max |Δ| over the golden atoms' coordinates (Å) and
 * over pLDDT, the atoms compared, and the first atom whose mask differs (−1: none).
 */
export function goldenDiffs(pred: StoredPrediction, golden: GoldenOutputs) {
  let maxPos = 0;
  let atoms = 0;
  let maskMismatch = -1;
  for (let a = 0; a < golden.mask.length; a++) {
    if (pred.atomMask[a] !== golden.mask[a] && maskMismatch < 0) maskMismatch = a;
    if (!golden.mask[a]) continue;
    atoms++;
    for (let k = 0; k < 3; k++)
      maxPos = Math.max(maxPos, Math.abs(pred.positions[3 * a + k] - golden.positions[3 * a + k]));
  }
  const maxPlddt = Math.max(...pred.plddt.map((v, i) => Math.abs(v - golden.plddt[i])));
  return { maxPos, maxPlddt, atoms, maskMismatch };
}

/**
 * Opens the app with the golden parameters imported, the golden A3M as input, the WebGPU engine
 * chosen explicitly (SwiftShader is a software adapter: "Automatic" would pick the CPU) and the
 * golden run settings; the fold button is then ready.
 */
export async function prepareGoldenWebGpuFold(page: Page, numRes: number): Promise<void> {
  await openApp(page);
  await page.getByTestId('params-file-input').setInputFiles(`${GOLDEN}/params.npz`);
  await expect(page.getByTestId('params-import-done')).toContainText('Stored', { timeout: 120_000 });
  await page.getByTestId('a3m-input').setInputFiles(`${GOLDEN}/query.a3m`);
  await expect(page.getByTestId('alignment-info')).toContainText('20 sequences');
  await expect(page.getByTestId('sequence-ok')).toContainText(`${numRes} residues`);
  await page.getByTestId('engine-select').selectOption('webgpu');
  await setGoldenRunSettings(page);
}
