/**
 * Importing parameters into a browser that has too little storage left: Chromium's own quota
 * for the page's origin is lowered (DevTools protocol `Storage.overrideQuotaForOrigin`) to what
 * the site already uses plus 256 KiB, less than the golden parameter pack (≈0.63 MiB). The
 * override binds the worker's OPFS writes but does not show in `navigator.storage.estimate()`,
 * so this is the hard case: the estimate claims room and the browser's writer throws its own
 * QuotaExceededError half-way. The import must fail with a message saying what it needs against
 * what the browser reports, store nothing (no file in the OPFS parameter folder, temp files
 * included; the list unchanged), and leave the app usable. The pre-check against a small
 * estimate is covered by src/worker/params-store.test.ts.
 */
import { expect, test } from '@playwright/test';
import { collectErrors, openApp } from './fold-helpers.ts';

const GOLDEN_PARAMS = 'test/fixtures/golden/params.npz';

test('a parameter import that does not fit the storage quota explains why and keeps nothing', async ({
  page,
  baseURL,
}, testInfo) => {
  const errors = collectErrors(page);
  await openApp(page);
  // the service worker saves the offline copy on the first visit: let it finish before the
  // usage is read, so the quota below leaves exactly 256 KiB
  await expect(page.getByTestId('offline-status')).toHaveAttribute('data-state', 'ready', {
    timeout: 120_000,
  });
  const usage = await page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
  const quota = usage + 256 * 1024;
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Storage.overrideQuotaForOrigin', {
    origin: new URL(baseURL ?? '').origin,
    quotaSize: quota,
  });

  await page.getByTestId('params-file-input').setInputFiles(GOLDEN_PARAMS);
  const error = page.getByTestId('params-import-error');
  await expect(error).toBeVisible({ timeout: 120_000 });
  // the pack (157,338 f32 values + header) and its record: about 0.63 MiB
  await expect(error).toContainText(
    /Not enough browser storage for this parameter set: it needs 0\.[67] MiB/,
  );
  await expect(error).toContainText(
    /the browser reports [\d.]+ MiB free for this site \([\d.]+ MiB used of its [\d.]+ MiB quota\)/,
  );
  await expect(error).toContainText('Nothing was stored.');
  testInfo.annotations.push({ type: 'quota message', description: (await error.textContent()) ?? '' });
  await page.screenshot({ path: testInfo.outputPath('params-quota.png'), fullPage: true });

  // Nothing stored: the list still holds the demo set only, and the OPFS folder has no file.
  await expect(page.getByTestId('params-row')).toHaveCount(1);
  const files = await page.evaluate(async () => {
    const root = await navigator.storage.getDirectory();
    const names: string[] = [];
    for await (const name of (root as unknown as { keys(): AsyncIterable<string> }).keys()) {
      if (name !== 'webfold-params') continue;
      const dir = await root.getDirectoryHandle(name);
      for await (const n of (dir as unknown as { keys(): AsyncIterable<string> }).keys()) names.push(n);
    }
    return names;
  });
  expect(files).toEqual([]);

  // The app is still usable: a sequence can be folded with the demo set.
  await page.getByTestId('sequence-input').fill('MKTAYIAK');
  await expect(page.getByTestId('fold-button')).toBeEnabled();
  expect(errors).toEqual([]);
});
