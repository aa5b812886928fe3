/**
 * Without WebGPU (the same Chromium without --enable-unsafe-webgpu: requestAdapter() returns
 * null) the GPU panel offers the CPU reference with a time estimate; accepting it runs a short
 * demo fold to the end: the job finishes on the CPU reference, Mol* shows the structure, and the
 * summary and the scores JSON carry per-recycle pLDDT and pTM (the last recycle's pTM is the
 * final one). No console errors in the page or its workers.
 */
import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { BASE_ARGS, chromiumPath } from './chromium.ts';
import { collectErrors, expectJobDone, molstarCanvasPixels, openApp } from './fold-helpers.ts';

test.use({ launchOptions: { executablePath: chromiumPath(), args: BASE_ARGS } });

const SEQUENCE = 'MKTAYIAKQRQISFVKSHFSRQLEERLGLIEV'; // 32 residues
const RECYCLES = 1;

test('accept the CPU reference offer and fold a short demo sequence', async ({ page }, testInfo) => {
  const errors = collectErrors(page);
  await openApp(page);
  const panel = page.getByTestId('gpu-panel');
  await expect(panel.getByTestId('gpu-status')).toHaveAttribute('data-state', 'bad', { timeout: 60_000 });
  await expect(panel.getByTestId('webgpu-unavailable')).toBeVisible();

  await page.getByTestId('sequence-input').fill(`>cpu_offer\n${SEQUENCE}\n`);
  await page.getByTestId('recycles-input').fill(String(RECYCLES));
  const offer = panel.getByTestId('cpu-offer');
  await expect(offer).toBeVisible();
  const estimate = offer.getByTestId('cpu-estimate');
  await expect(estimate).toContainText(`${SEQUENCE.length} residues, ${RECYCLES + 1} iterations`);
  // The rate comes from the GPU worker's micro-benchmark of the CPU reference on this computer.
  await expect(estimate).toHaveAttribute('data-rate', 'measured');
  await expect(estimate).toContainText('scaled from a short benchmark on this computer');
  expect(Number(await estimate.getAttribute('data-seconds'))).toBeGreaterThanOrEqual(0);
  testInfo.annotations.push({ type: 'CPU estimate', description: (await estimate.textContent()) ?? '' });
  await offer.getByTestId('use-cpu').click();
  await expect(offer.getByTestId('use-cpu')).toHaveText('The CPU reference is selected');
  await expect(offer.getByTestId('use-cpu')).toBeDisabled();
  await expect(page.getByTestId('engine-label')).toContainText('CPU reference', { timeout: 60_000 });
  // The fold button's estimate is the offer's: same cost model, same measured rate.
  const seconds = Number(await estimate.getAttribute('data-seconds'));
  await expect(page.getByTestId('engine-label')).toContainText(
    /about .+ with the small demo model \(estimate for this computer\)/,
  );
  testInfo.annotations.push({
    type: 'fold button label',
    description: `${await page.getByTestId('engine-label').textContent()} (offer: ${seconds} s)`,
  });
  await page.screenshot({ path: testInfo.outputPath('cpu-offer.png'), fullPage: true });

  const t0 = Date.now();
  await page.getByTestId('fold-button').click();
  const job = page.getByTestId('job').first();
  await expect(job.getByTestId('job-name')).toHaveText('cpu_offer');
  await expectJobDone(job);
  testInfo.annotations.push({ type: 'CPU fold (queue to done)', description: `${Date.now() - t0} ms` });

  // The structure is in Mol* (its own residue count) and drawn on its canvas.
  await expect(page.getByTestId('molstar')).toHaveAttribute('data-residues', String(SEQUENCE.length), {
    timeout: 60_000,
  });
  await expect(page.getByTestId('stat-time')).toContainText('cpu-reference');
  await expect
    .poll(async () => (await molstarCanvasPixels(page))?.drawn ?? 0, { timeout: 30_000 })
    .toBeGreaterThan(300);

  // Per recycle: one row per iteration with pLDDT and pTM (the demo set has the pTM head).
  const table = page.getByTestId('recycle-table');
  await expect(table.locator('thead th')).toHaveText([
    'Recycle',
    'Mean pLDDT',
    'pTM',
    'Δ Cα dist. (Å)',
    'Time',
  ]);
  const rows = table.locator('tbody tr');
  await expect(rows).toHaveCount(RECYCLES + 1);
  const finalPtm = (await page.getByTestId('stat-ptm').locator('.stat-value').textContent()) ?? '';
  expect(finalPtm).toMatch(/^0\.\d{3}$/);
  await expect(rows.last().locator('td').nth(2)).toHaveText(finalPtm);
  await expect(rows.first().locator('td').nth(2)).toHaveText(/^0\.\d{3}$/);

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('download-scores').click(),
  ]);
  const scores = JSON.parse(await readFile(await download.path(), 'utf8'));
  expect(scores.extra.engine).toBe('cpu-reference');
  expect(scores.num_recycles).toBe(RECYCLES);
  const perRecycle = scores.extra.per_recycle as { recycle: number; mean_plddt: number; ptm: number }[];
  expect(perRecycle.map((r) => r.recycle)).toEqual([0, 1]);
  expect(perRecycle.at(-1)?.ptm).toBe(scores.ptm);
  expect(perRecycle.at(-1)?.mean_plddt).toBe(scores.mean_plddt);
  for (const r of perRecycle) {
    expect(r.ptm).toBeGreaterThan(0);
    expect(r.ptm).toBeLessThanOrEqual(1);
  }
  testInfo.annotations.push({
    type: 'per-recycle pTM',
    description: perRecycle.map((r) => r.ptm).join(' → '),
  });
  await page.screenshot({ path: testInfo.outputPath('cpu-offer-folded.png'), fullPage: true });
  expect(errors).toEqual([]);
});
