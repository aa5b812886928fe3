/**
 * Without WebGPU the page must still make sense: the same Chromium without
 * --enable-unsafe-webgpu (requestAdapter() returns null) gets an explanation, not a blank page.
 */
import { expect, test } from '@playwright/test';
import { BASE_ARGS, chromiumPath } from './chromium.ts';

test.use({ launchOptions: { executablePath: chromiumPath(), args: BASE_ARGS } });

test('explains that WebGPU is unavailable and how to enable it', async ({ page }, testInfo) => {
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('webfold — AlphaFold2 in your browser');
  const panel = page.getByTestId('gpu-panel');
  await expect(panel.getByTestId('gpu-status')).toHaveAttribute('data-state', 'bad', { timeout: 60_000 });
  const unavailable = panel.getByTestId('webgpu-unavailable');
  await expect(unavailable).toBeVisible();
  await expect(unavailable).toContainText('enable-unsafe-webgpu');
  await expect(panel.getByTestId('selftest')).toHaveCount(0);
  await expect(panel.getByTestId('coi-page')).toHaveAttribute('data-value', 'true');
  await page.screenshot({ path: testInfo.outputPath('no-webgpu.png'), fullPage: true });
  await page.screenshot({ path: `${testInfo.project.outputDir}/no-webgpu.png`, fullPage: true });
  expect(pageErrors).toEqual([]);
});
