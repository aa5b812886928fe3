/**
 * Issue 7 (Dynamic Axial Parallelism) in the app: the golden input folded with the golden
 * parameters on the WebGPU engine (SwiftShader) split over 2 dedicated workers of one tab, and
 * over 2 tabs (the second opened from the job's invitation link), gives the golden coordinates;
 * closing the helping tab mid-fold stops the coordinating tab's job with a message naming the
 * lost rank within 30 s.
 */
import { expect, type Page, test } from '@playwright/test';
import { collectErrors, expectJobDone, openApp } from './fold-helpers.ts';
import {
  type GoldenOutputs,
  goldenDiffs,
  goldenOutputs,
  prepareGoldenWebGpuFold,
  type StoredPrediction,
  storedPrediction,
} from './golden-prediction.ts';

let golden: GoldenOutputs;
test.beforeAll(async () => {
  golden = await goldenOutputs();
});

/** The stored result of `jobId` is the golden prediction (same bounds as the unsplit e2e). */
async function expectGolden(page: Page, jobId: string, testInfo: { annotations: unknown[] }) {
  const pred = await storedPrediction(page, jobId);
  expect(pred.engineLabel).toMatch(/^WebGPU/);
  expect(pred.positions).toHaveLength(golden.positions.length);
  const { maxPos, maxPlddt, atoms, maskMismatch } = goldenDiffs(pred, golden);
  testInfo.annotations.push({ type: 'positions max |diff| (Å)', description: String(maxPos) });
  testInfo.annotations.push({ type: 'pLDDT max |diff|', description: String(maxPlddt) });
  expect(maskMismatch).toBe(-1);
  expect(atoms).toBeGreaterThan(golden.numRes * 4);
  expect(maxPos).toBeLessThanOrEqual(1e-3);
  expect(maxPlddt).toBeLessThanOrEqual(1e-2);
  return pred;
}

/** The result was really split: rank 0's prediction, after all-gathers that sent bytes. */
function expectSplit(pred: StoredPrediction, transport: string, testInfo: { annotations: unknown[] }) {
  expect(pred.dap).toMatchObject({ transport, size: 2, rank: 0 });
  const exchange = pred.dap?.exchange;
  testInfo.annotations.push({ type: 'rank 0 exchange', description: JSON.stringify(exchange) });
  expect(exchange?.gathers).toBeGreaterThan(0);
  expect(exchange?.bytesSent).toBeGreaterThan(0);
}

test('the golden fold split over 2 workers of one tab gives the golden coordinates', async ({
  page,
}, testInfo) => {
  const errors = collectErrors(page);
  await prepareGoldenWebGpuFold(page, golden.numRes);
  await page.getByTestId('workers-select').selectOption('2');
  await expect(page.getByTestId('engine-label')).toContainText('split over 2 workers in this tab');

  const t0 = Date.now();
  await page.getByTestId('fold-button').click();
  const job = page.getByTestId('job').first();
  await expectJobDone(job);
  testInfo.annotations.push({ type: 'golden fold on 2 workers', description: `${Date.now() - t0} ms` });
  await expect(job).toContainText('split over 2 workers in this tab');

  const pred = await expectGolden(page, (await job.getAttribute('data-job-id')) ?? '', testInfo);
  expectSplit(pred, 'workers', testInfo);
  await expect(page.getByTestId('result-split')).toContainText('2 workers in this tab');
  expect(errors).toEqual([]);
});

/** Tab A folds the golden job over 2 tabs; tab B opens from the job's "Open a helper tab" link. */
async function foldOverTwoTabs(page: Page) {
  await prepareGoldenWebGpuFold(page, golden.numRes);
  await page.getByTestId('invite-tab-checkbox').check();
  await expect(page.getByTestId('workers-select')).toBeDisabled();
  await page.getByTestId('fold-button').click();
  const job = page.getByTestId('job').first();
  const jobId = (await job.getAttribute('data-job-id')) ?? '';
  const invite = job.getByTestId('job-dap');
  await expect(invite).toHaveAttribute('data-phase', 'joining');
  await expect(job.getByTestId('invite-link')).toHaveValue(new RegExp(`#dap=${jobId}&ranks=2$`));
  const [helper] = await Promise.all([
    page.context().waitForEvent('page'),
    job.getByTestId('invite-open').click(),
  ]);
  const helperErrors = collectErrors(helper);
  const panel = helper.getByTestId('helper-panel');
  // the helping tab says which job it helps and as which rank; the coordinating tab shows it joined
  await expect(panel).toHaveAttribute('data-phase', 'folding', { timeout: 120_000 });
  await expect(panel.getByTestId('helper-status')).toContainText(`helping fold job “${await jobName(job)}”`);
  await expect(panel.getByTestId('helper-status')).toContainText('as rank 1 of 2');
  await expect(invite).toHaveAttribute('data-phase', 'folding');
  await expect(invite).toContainText('this tab is rank 0 of 2');
  // the helping tab only helps: it neither shows nor runs the job queue (the inviting tab runs it)
  await expect(helper.getByTestId('helper-only-note')).toBeVisible();
  await expect(helper.getByTestId('jobs-panel')).toHaveCount(0);
  return { job, jobId, helper, panel, helperErrors };
}

async function jobName(job: ReturnType<Page['getByTestId']>): Promise<string> {
  return (await job.getByTestId('job-name').textContent())?.trim() ?? '';
}

test('the golden fold split over 2 tabs gives the golden coordinates in the coordinating tab', async ({
  page,
}, testInfo) => {
  const errors = collectErrors(page);
  const t0 = Date.now();
  const { job, jobId, helper, panel, helperErrors } = await foldOverTwoTabs(page);
  // the helping tab shows its own fold's progress
  await expect(panel.getByTestId('job-progress')).toBeVisible();
  await expectJobDone(job);
  testInfo.annotations.push({ type: 'golden fold on 2 tabs', description: `${Date.now() - t0} ms` });
  await expect(job).toContainText('split over 2 tabs');

  const pred = await expectGolden(page, jobId, testInfo);
  expectSplit(pred, 'tabs', testInfo);
  await expect(page.getByTestId('result-split')).toContainText('2 tabs');
  await expect(panel).toHaveAttribute('data-phase', 'done');
  await expect(panel.getByTestId('helper-status')).toContainText(
    'The result is in the tab that invited this one',
  );
  expect(errors).toEqual([]);
  expect(helperErrors).toEqual([]);
  await helper.close();
});

test('closing the helping tab mid-fold stops the coordinating tab with a message naming rank 1 within 30 s', async ({
  page,
}, testInfo) => {
  const { job, helper, panel } = await foldOverTwoTabs(page);
  // mid-fold: the helping tab is inside the first iteration's stacks, where the ranks exchange
  await expect(panel.getByTestId('job-stage')).toContainText(
    /iteration 1 of 3 · (extra-MSA stack|Evoformer)/,
    {
      timeout: 120_000,
    },
  );
  const t0 = Date.now();
  await helper.close();
  await expect(job).toHaveAttribute('data-status', 'failed', { timeout: 30_000 });
  testInfo.annotations.push({ type: 'tab closed → job failed', description: `${Date.now() - t0} ms` });
  await expect(job.getByTestId('job-error')).toContainText(
    'The fold split over 2 tabs stopped: tab rank 1 was lost',
  );
  await expect(job.getByTestId('job-error')).toContainText('its tab was closed or crashed');
});

test('splitting is offered only with the WebGPU engine, and a malformed invitation link says so', async ({
  page,
}) => {
  await openApp(page);
  await page.getByTestId('engine-select').selectOption('cpu');
  await expect(page.getByTestId('workers-select')).toBeDisabled();
  await expect(page.getByTestId('invite-tab-checkbox')).toBeDisabled();
  await expect(page.getByTestId('split-reason')).toContainText('only the WebGPU engine splits a fold');
  await page.getByTestId('engine-select').selectOption('webgpu');
  await expect(page.getByTestId('workers-select')).toBeEnabled();
  await expect(page.getByTestId('split-reason')).toHaveCount(0);

  await page.goto('/#dap=not%20a%20job!&ranks=2');
  await expect(page.getByTestId('helper-error')).toContainText('This invitation link is malformed');
  await expect(page.getByTestId('helper-error')).toContainText('must be 1–64 letters, digits, - or _');
});

test('closing the coordinating tab mid-fold stops the helping tab with a message naming rank 0 within 30 s', async ({
  page,
}, testInfo) => {
  const { panel } = await foldOverTwoTabs(page);
  await expect(panel.getByTestId('job-stage')).toContainText(
    /iteration 1 of 3 · (extra-MSA stack|Evoformer)/,
    {
      timeout: 120_000,
    },
  );
  const t0 = Date.now();
  await page.close();
  await expect(panel).toHaveAttribute('data-phase', 'failed', { timeout: 30_000 });
  testInfo.annotations.push({ type: 'tab closed → helper stopped', description: `${Date.now() - t0} ms` });
  await expect(panel.getByTestId('helper-error')).toContainText(
    'The fold split over 2 tabs stopped: tab rank 0 was lost',
  );
  await expect(panel.getByTestId('helper-error')).toContainText('its tab was closed or crashed');
});
