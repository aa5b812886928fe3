/**
 * Issue 5: the golden input folded with the golden parameters by the WebGPU engine (chosen
 * explicitly, so it runs on SwiftShader too) inside the fold worker in headless Chromium gives
 * the golden atom coordinates and pLDDT.
 */
import { readFile } from 'node:fs/promises';
import { expect, type Page, test } from '@playwright/test';
import { readNpz } from '../src/model/params/npz.ts';
import { bufferSource } from '../src/model/params/source.ts';
import { collectErrors, expectJobDone, openApp, setGoldenRunSettings } from './fold-helpers.ts';

const GOLDEN = 'test/fixtures/golden';

interface StoredPrediction {
  positions: number[];
  atomMask: number[];
  plddt: number[];
  engineLabel: string;
}

/** The prediction of a stored job, read from IndexedDB as the app saved it. */
async function storedPrediction(page: Page, jobId: string): Promise<StoredPrediction> {
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
            });
          };
        };
      }),
    jobId,
  );
}

test('WebGPU in the worker folds the golden input to the golden coordinates and pLDDT', async ({
  page,
}, testInfo) => {
  const errors = collectErrors(page);
  const golden = await readNpz(bufferSource(await readFile(`${GOLDEN}/outputs.npz`), 'outputs.npz'));
  const expPlddt = golden.plddt.data as Float32Array;
  const expPos = golden.final_atom_positions.data as Float32Array;
  const expMask = golden.final_atom_mask.data as Float32Array;
  expect(golden.final_atom_positions.shape).toEqual([expPlddt.length, 37, 3]);

  await openApp(page);
  await page.getByTestId('params-file-input').setInputFiles(`${GOLDEN}/params.npz`);
  await expect(page.getByTestId('params-import-done')).toContainText('Stored', { timeout: 120_000 });
  await page.getByTestId('a3m-input').setInputFiles(`${GOLDEN}/query.a3m`);
  await expect(page.getByTestId('alignment-info')).toContainText('20 sequences');
  await expect(page.getByTestId('sequence-ok')).toContainText(`${expPlddt.length} residues`);

  // the WebGPU engine, explicitly (SwiftShader is a software adapter: "Automatic" would pick the CPU)
  await page.getByTestId('engine-select').selectOption('webgpu');
  await setGoldenRunSettings(page);

  const t0 = Date.now();
  await page.getByTestId('fold-button').click();
  const job = page.getByTestId('job').first();
  await expectJobDone(job);
  testInfo.annotations.push({ type: 'WebGPU golden fold', description: `${Date.now() - t0} ms` });

  const pred = await storedPrediction(page, (await job.getAttribute('data-job-id')) ?? '');
  expect(pred.engineLabel).toMatch(/^WebGPU/);
  expect(pred.plddt).toHaveLength(expPlddt.length);
  expect(pred.positions).toHaveLength(expPos.length);
  expect(pred.atomMask).toHaveLength(expMask.length);

  let maxPos = 0;
  let atoms = 0;
  for (let a = 0; a < expMask.length; a++) {
    expect(pred.atomMask[a]).toBe(expMask[a]);
    if (!expMask[a]) continue;
    atoms++;
    for (let k = 0; k < 3; k++)
      maxPos = Math.max(maxPos, Math.abs(pred.positions[3 * a + k] - expPos[3 * a + k]));
  }
  const maxPlddt = Math.max(...pred.plddt.map((v, i) => Math.abs(v - expPlddt[i])));
  testInfo.annotations.push({ type: 'atoms compared', description: String(atoms) });
  testInfo.annotations.push({ type: 'positions max |diff| (Å)', description: String(maxPos) });
  testInfo.annotations.push({ type: 'pLDDT max |diff|', description: String(maxPlddt) });
  expect(atoms).toBeGreaterThan(expPlddt.length * 4);
  expect(maxPos).toBeLessThanOrEqual(1e-3);
  expect(maxPlddt).toBeLessThanOrEqual(1e-2);
  expect(errors).toEqual([]);
});
