/**
 * Issue 2 acceptance: the app in headless Chromium with WebGPU (SwiftShader) shows the worker's
 * adapter and a passing kernel self-test, and the page is cross-origin isolated.
 */
import { expect, test } from '@playwright/test';
import { collectErrors } from './fold-helpers.ts';

// The full self-test on SwiftShader: ~35 s on 2 cores (pipeline compilation dominates).
const SELF_TEST_TIMEOUT = 240_000;

test('shows the worker adapter and a passing kernel self-test, cross-origin isolated', async ({
  page,
}, testInfo) => {
  const errors = collectErrors(page);
  await page.goto('/');

  await expect(page.getByRole('heading', { level: 1 })).toHaveText('webfold — AlphaFold2 in your browser');
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);

  const panel = page.getByTestId('gpu-panel');
  await expect(panel.getByTestId('gpu-status')).toHaveAttribute('data-state', 'good', { timeout: 60_000 });
  await expect(panel.getByTestId('adapter-vendor')).not.toBeEmpty();
  await expect(panel.getByTestId('adapter-architecture')).not.toBeEmpty();
  const vendor = (await panel.getByTestId('adapter-vendor').textContent()) ?? '';
  const architecture = (await panel.getByTestId('adapter-architecture').textContent()) ?? '';
  expect(vendor).not.toContain('not reported');
  expect(architecture).not.toContain('not reported');
  testInfo.annotations.push({ type: 'adapter', description: `${vendor} / ${architecture}` });

  await expect(panel.getByTestId('coi-page')).toHaveAttribute('data-value', 'true');
  await expect(panel.getByTestId('coi-worker')).toHaveAttribute('data-value', 'true');
  await expect(panel.getByTestId('limits-table').locator('tbody tr')).not.toHaveCount(0);

  // The plan for the pasted sequence, computed in the GPU worker from the adapter's limits.
  await page.getByTestId('sequence-input').fill('>plan_probe\nMKTAYIAKQRQISFVKSHFSRQLEERLGLIEVQ\n');
  await expect(panel.getByTestId('plan-peak')).toContainText(/\d(\.\d+)? (MiB|GiB)/, { timeout: 60_000 });

  const selfTest = panel.getByTestId('selftest');
  await expect(selfTest).toHaveAttribute('data-status', /done|failed/, { timeout: SELF_TEST_TIMEOUT });
  await expect(selfTest.getByTestId('selftest-error')).toHaveCount(0);
  await expect(selfTest.getByTestId('selftest-overall')).toHaveText('PASS');
  const checks = selfTest.getByTestId('selftest-check');
  expect(await checks.count()).toBeGreaterThan(0);
  await expect(selfTest.locator('[data-testid="selftest-check"][data-passed="false"]')).toHaveCount(0);

  await page.screenshot({ path: testInfo.outputPath('gpu-panel.png'), fullPage: true });
  await page.screenshot({ path: `${testInfo.project.outputDir}/gpu-panel.png`, fullPage: true });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: `${testInfo.project.outputDir}/gpu-panel-dark.png`, fullPage: true });
  await page.emulateMedia({ colorScheme: 'light' });

  // The button runs it again on the same worker and device.
  await selfTest.getByTestId('selftest-rerun').click();
  await expect(selfTest).toHaveAttribute('data-status', /done|failed/, { timeout: SELF_TEST_TIMEOUT });
  await expect(selfTest.getByTestId('selftest-overall')).toHaveText('PASS');

  expect(errors).toEqual([]);
});

test('the page and the worker script are served with COOP/COEP', async ({ page, request }) => {
  const workerEvent = page.waitForEvent('worker');
  const response = await page.goto('/');
  expect(response).not.toBeNull();
  const pageHeaders = response!.headers();
  expect(pageHeaders['cross-origin-opener-policy']).toBe('same-origin');
  expect(pageHeaders['cross-origin-embedder-policy']).toBe('require-corp');

  const worker = await workerEvent;
  expect(worker.url()).toMatch(/gpu\.worker/);
  const workerResponse = await request.get(worker.url());
  expect(workerResponse.ok()).toBe(true);
  const workerHeaders = workerResponse.headers();
  expect(workerHeaders['content-type']).toMatch(/javascript/);
  expect(workerHeaders['cross-origin-opener-policy']).toBe('same-origin');
  expect(workerHeaders['cross-origin-embedder-policy']).toBe('require-corp');
  expect(await worker.evaluate(() => self.crossOriginIsolated)).toBe(true);
});
