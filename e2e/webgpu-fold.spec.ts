/**
 * Issue 5: the golden input folded with the golden parameters by the WebGPU engine (chosen
 * explicitly, so it runs on SwiftShader too) inside the fold worker in headless Chromium gives
 * the golden atom coordinates and pLDDT.
 */
import { expect, test } from '@playwright/test';
import { collectErrors, expectJobDone } from './fold-helpers.ts';
import {
  goldenDiffs,
  goldenOutputs,
  prepareGoldenWebGpuFold,
  storedPrediction,
} from './golden-prediction.ts';

test('WebGPU in the worker folds the golden input to the golden coordinates and pLDDT', async ({
  page,
}, testInfo) => {
  const errors = collectErrors(page);
  const golden = await goldenOutputs();

  await prepareGoldenWebGpuFold(page, golden.numRes);

  const t0 = Date.now();
  await page.getByTestId('fold-button').click();
  const job = page.getByTestId('job').first();
  await expectJobDone(job);
  testInfo.annotations.push({ type: 'WebGPU golden fold', description: `${Date.now() - t0} ms` });

  const pred = await storedPrediction(page, (await job.getAttribute('data-job-id')) ?? '');
  expect(pred.engineLabel).toMatch(/^WebGPU/);
  expect(pred.plddt).toHaveLength(golden.numRes);
  expect(pred.positions).toHaveLength(golden.positions.length);
  expect(pred.atomMask).toHaveLength(golden.mask.length);

  const { maxPos, maxPlddt, atoms, maskMismatch } = goldenDiffs(pred, golden);
  testInfo.annotations.push({ type: 'atoms compared', description: String(atoms) });
  testInfo.annotations.push({ type: 'positions max |diff| (Å)', description: String(maxPos) });
  testInfo.annotations.push({ type: 'pLDDT max |diff|', description: String(maxPlddt) });
  expect(maskMismatch).toBe(-1);
  expect(atoms).toBeGreaterThan(golden.numRes * 4);
  expect(maxPos).toBeLessThanOrEqual(1e-3);
  expect(maxPlddt).toBeLessThanOrEqual(1e-2);
  expect(errors).toEqual([]);
});
