/**
 * Issue 6 (input, parameters, jobs): paste → fold with the demo parameters → progress → a
 * finished job; invalid input, a wrong parameter file and cancel each leave a clear message and
 * a usable app; jobs survive a reload; the golden parameters + A3M reproduce the golden pLDDT.
 */
import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { readNpz } from '../src/model/params/npz.ts';
import { bufferSource } from '../src/model/params/source.ts';
import {
  collectErrors,
  expectJobDone,
  molstarCanvasPixels,
  openApp,
  recordedFractions,
  recordProgress,
  setGoldenRunSettings,
  storedPlddt,
} from './fold-helpers.ts';

const GOLDEN = 'test/fixtures/golden';
const SHORT = 'MKTAYIAKQRQISFVKSHFSRQLEERLGLIEV'; // 32 residues
const LONG = `${SHORT}${SHORT}${SHORT}`; // 96 residues

test('paste a sequence, fold with the demo parameters, see progress and the result; it survives a reload', async ({
  page,
}, testInfo) => {
  const errors = collectErrors(page);
  await openApp(page);
  await expect(page.getByTestId('demo-params-warning')).toContainText(
    'untrained demo weights — structures mean nothing',
  );
  await expect(page.getByTestId('mode-single')).toContainText('Single-sequence mode');

  await page.getByTestId('sequence-input').fill(`>demo_protein test\n${SHORT}\n`);
  await expect(page.getByTestId('sequence-ok')).toContainText(`${SHORT.length} residues`);
  await recordProgress(page);
  const t0 = Date.now();
  await page.getByTestId('fold-button').click();

  const job = page.getByTestId('job').first();
  await expect(job.getByTestId('job-name')).toHaveText('demo_protein');
  await expectJobDone(job);
  testInfo.annotations.push({ type: 'demo fold', description: `${Date.now() - t0} ms` });
  const fractions = await recordedFractions(page);
  expect(fractions.length).toBeGreaterThan(2);
  for (let i = 1; i < fractions.length; i++) expect(fractions[i]).toBeGreaterThanOrEqual(fractions[i - 1]);
  expect(Math.max(...fractions)).toBeGreaterThan(0.5);

  const summary = page.getByTestId('result-summary');
  await expect(summary.getByTestId('result-residues')).toHaveText(String(SHORT.length));
  const plddt = Number(await summary.getByTestId('result-plddt').textContent());
  expect(plddt).toBeGreaterThan(0);
  expect(plddt).toBeLessThanOrEqual(100);
  await expect(summary.getByTestId('result-demo-warning')).toBeVisible();
  // Mol* (its own state, exposed on the viewer) holds the folded structure, and its canvas is drawn.
  await expect(page.getByTestId('molstar')).toHaveAttribute('data-residues', String(SHORT.length), {
    timeout: 60_000,
  });
  await page.waitForTimeout(500);
  const pixels = await molstarCanvasPixels(page);
  expect(pixels).not.toBeNull();
  expect(pixels!.variance).toBeGreaterThan(5);
  expect(pixels!.drawn).toBeGreaterThan(300);
  await page.screenshot({ path: `${testInfo.project.outputDir}/fold-demo.png`, fullPage: true });

  await page.reload();
  await expect(page.getByTestId('jobs-panel')).toHaveAttribute('data-hydrated', 'true');
  const again = page.getByTestId('job').first();
  await expect(again).toHaveAttribute('data-status', 'done');
  await expect(again.getByTestId('job-name')).toHaveText('demo_protein');
  await expect(page.getByTestId('result-residues')).toHaveText(String(SHORT.length));
  await expect(page.getByTestId('result-plddt')).toHaveText(plddt.toFixed(2));
  await page.screenshot({ path: `${testInfo.project.outputDir}/fold-reloaded.png`, fullPage: true });
  expect(errors).toEqual([]);
});

test('an invalid sequence names the letter and position, and the app stays usable', async ({
  page,
}, testInfo) => {
  const errors = collectErrors(page);
  await openApp(page);
  const input = page.getByTestId('sequence-input');
  await input.fill('>bad\nMKTA1YIAK');
  const error = page.getByTestId('sequence-error');
  await expect(error).toContainText("Invalid letter '1' at position 5");
  await expect(input).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('fold-button')).toBeDisabled();
  await page.screenshot({ path: `${testInfo.project.outputDir}/fold-invalid.png` });

  await input.fill('>bad\nMKTAYIAK');
  await expect(error).toHaveCount(0);
  await expect(page.getByTestId('sequence-ok')).toContainText('8 residues');
  await expect(page.getByTestId('fold-button')).toBeEnabled();
  expect(errors).toEqual([]);
});

test('a wrong parameter file is refused with a message naming the problem', async ({ page }, testInfo) => {
  const errors = collectErrors(page);
  await openApp(page);
  await page.getByTestId('params-file-input').setInputFiles(`${GOLDEN}/query.a3m`);
  const error = page.getByTestId('params-import-error');
  await expect(error).toContainText('query.a3m');
  await expect(error).toContainText('not an .npz archive');
  await expect(error).toContainText('params_model_N');
  await page.screenshot({ path: `${testInfo.project.outputDir}/fold-wrong-params.png`, fullPage: true });
  // nothing was stored, the demo set is still selected and folding still possible
  await expect(page.getByTestId('params-row')).toHaveCount(1);
  await page.getByTestId('sequence-input').fill('MKTAYIAK');
  await expect(page.getByTestId('fold-button')).toBeEnabled();
  expect(errors).toEqual([]);
});

test('cancel mid-fold says so, keeps nothing, and the next fold runs', async ({ page }, testInfo) => {
  const errors = collectErrors(page);
  await openApp(page);
  await page.getByTestId('sequence-input').fill(`>long_one\n${LONG}`);
  await page.getByTestId('recycles-input').fill('20');
  await page.getByTestId('fold-button').click();
  const job = page.getByTestId('job').first();
  await expect(job).toHaveAttribute('data-status', 'running');
  await expect
    .poll(async () => Number(await job.getByTestId('job-progress').getAttribute('data-fraction')), {
      timeout: 120_000,
    })
    .toBeGreaterThan(0);
  await job.getByTestId('job-cancel').click();
  await expect(job).toHaveAttribute('data-status', 'cancelled');
  await expect(job.getByTestId('job-error')).toContainText(
    'Cancelled: the fold was stopped and nothing was kept',
  );
  await page.screenshot({ path: `${testInfo.project.outputDir}/fold-cancelled.png`, fullPage: true });

  // a fresh worker folds the next job
  await page.getByTestId('sequence-input').fill(`>after_cancel\n${SHORT}`);
  await page.getByTestId('recycles-input').fill('0');
  await page.getByTestId('fold-button').click();
  const next = page.getByTestId('job').first();
  await expect(next.getByTestId('job-name')).toHaveText('after_cancel');
  await expectJobDone(next);
  await expect(page.getByTestId('result-residues')).toHaveText(String(SHORT.length));
  expect(errors).toEqual([]);
});

test('the golden parameters and A3M reproduce the golden pLDDT', async ({ page }, testInfo) => {
  const errors = collectErrors(page);
  const golden = await readNpz(bufferSource(await readFile(`${GOLDEN}/outputs.npz`), 'outputs.npz'));
  const expected = Array.from(golden.plddt.data as Float32Array);

  await openApp(page);
  await page.getByTestId('params-file-input').setInputFiles(`${GOLDEN}/params.npz`);
  await expect(page.getByTestId('params-import-done')).toContainText('Stored', { timeout: 120_000 });
  await expect(page.getByTestId('params-row')).toHaveCount(2);
  await expect(page.getByTestId('demo-params-warning')).toHaveCount(0);

  await page.getByTestId('a3m-input').setInputFiles(`${GOLDEN}/query.a3m`);
  await expect(page.getByTestId('alignment-info')).toContainText('20 sequences');
  await expect(page.getByTestId('mode-msa')).toBeVisible();
  await expect(page.getByTestId('sequence-ok')).toContainText(`${expected.length} residues`);
  await setGoldenRunSettings(page);
  const t0 = Date.now();
  await page.getByTestId('fold-button').click();
  const job = page.getByTestId('job').first();
  await expectJobDone(job);
  testInfo.annotations.push({ type: 'golden fold', description: `${Date.now() - t0} ms` });
  await expect(page.getByTestId('result-residues')).toHaveText(String(expected.length));

  const jobId = (await job.getAttribute('data-job-id')) ?? '';
  const plddt = await storedPlddt(page, jobId);
  expect(plddt).toHaveLength(expected.length);
  const maxDiff = Math.max(...plddt.map((v, i) => Math.abs(v - expected[i])));
  testInfo.annotations.push({ type: 'golden pLDDT max |diff|', description: String(maxDiff) });
  expect(maxDiff).toBeLessThanOrEqual(1e-2);
  await page.screenshot({ path: `${testInfo.project.outputDir}/fold-golden.png`, fullPage: true });
  expect(errors).toEqual([]);
});
