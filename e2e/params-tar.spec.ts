/**
 * The `.tar` import with the model picker: a small archive laid out like DeepMind's
 * `alphafold_params_*.tar` (two members, `params_model_1_ptm.npz` = the demo set and
 * `params_model_2.npz` = random golden-size weights without the pTM head, from
 * `webfold make-params --no-ptm`) is uploaded in the Parameters panel; the picker lists both
 * models, the non-default one is imported, listed with its name, size and date (read against
 * the record in OPFS, with no temp file left), selected, and a fold runs with it: the result has
 * no PAE/pTM, which only model_2 lacks. No console errors.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { expect, test } from '@playwright/test';
import { formatBytes } from '../src/app/fold/format.ts';
import { writeTar } from '../test/servers/tar-write.ts';
import { collectErrors, expectJobDone, openApp } from './fold-helpers.ts';

const SEQUENCE = 'MKTAYIAKQRQISFVKSHFSRQ'; // 22 residues
const TAR_NAME = 'alphafold_params_test.tar';

/** Name, size and file count of what the page's OPFS parameter folder holds. */
async function storedRecords(page: import('@playwright/test').Page) {
  return page.evaluate(async () => {
    const root = await navigator.storage.getDirectory();
    const dir = await root.getDirectoryHandle('webfold-params');
    const names: string[] = [];
    for await (const name of (dir as unknown as { keys(): AsyncIterable<string> }).keys()) names.push(name);
    const records: { name: string; bytes: number; storedAt: number; packBytes: number }[] = [];
    for (const n of names.filter((x) => x.endsWith('.json'))) {
      const rec = JSON.parse(await (await (await dir.getFileHandle(n)).getFile()).text());
      const pack = await (await dir.getFileHandle(`${rec.id}.pack`)).getFile();
      records.push({ name: rec.name, bytes: rec.bytes, storedAt: rec.storedAt, packBytes: pack.size });
    }
    return { names, records };
  });
}

test('import one model out of a params .tar with the picker, see it listed, fold with it', async ({
  page,
}, testInfo) => {
  const errors = collectErrors(page);
  const model2 = testInfo.outputPath('params_model_2.npz');
  await promisify(execFile)('node', [
    'bin/webfold.mjs',
    'make-params',
    '--dims',
    'golden',
    '--seed',
    '11',
    '--no-ptm',
    '--out',
    model2,
  ]);
  const tar = writeTar([
    { name: 'params/params_model_1_ptm.npz', data: await readFile('public/demo/params_demo_untrained.npz') },
    { name: 'params/params_model_2.npz', data: await readFile(model2) },
    { name: 'params/LICENSE', data: 'CC BY 4.0 (test archive)\n' },
  ]);

  await openApp(page);
  await expect(page.getByTestId('params-row')).toHaveCount(1);
  await page.getByTestId('params-file-input').setInputFiles({
    name: TAR_NAME,
    mimeType: 'application/x-tar',
    buffer: Buffer.from(tar),
  });
  const picker = page.getByTestId('tar-model-picker');
  await expect(picker).toContainText(`${TAR_NAME} holds 2 models`);
  const select = picker.getByRole('combobox');
  await expect(select.locator('option')).toHaveText(['model_1_ptm', 'model_2']);
  await expect(select).toHaveValue('model_1_ptm'); // the picker proposes the pTM model
  await select.selectOption('model_2');
  await page.screenshot({ path: testInfo.outputPath('params-tar-picker.png'), fullPage: true });
  const t0 = Date.now();
  await picker.getByRole('button', { name: 'Import model_2' }).click();
  await expect(page.getByTestId('params-import-done')).toContainText('Stored model_2', { timeout: 120_000 });
  const t1 = Date.now();

  // Listed: name, source member, size and date as stored in OPFS; selected for the next fold.
  const rows = page.getByTestId('params-row');
  await expect(rows).toHaveCount(2);
  const row = rows.filter({ hasText: 'model_2' });
  await expect(row).toHaveCount(1);
  await expect(row.locator('th')).toContainText(`${TAR_NAME}:params/params_model_2.npz`);
  await expect(row).toContainText('no PAE head');
  const { names, records } = await storedRecords(page);
  expect(records).toHaveLength(1);
  const rec = records[0];
  expect(rec.name).toBe('model_2');
  expect(rec.packBytes).toBe(rec.bytes);
  expect(rec.storedAt).toBeGreaterThanOrEqual(t0);
  expect(rec.storedAt).toBeLessThanOrEqual(t1);
  expect(names.filter((n) => n.endsWith('.tmp'))).toEqual([]);
  await expect(row.locator('td').nth(0)).toHaveText(formatBytes(rec.bytes));
  const shownDate = await page.evaluate(
    (t) => new Date(t).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }),
    rec.storedAt,
  );
  await expect(row.locator('td').nth(1)).toHaveText(shownDate);
  await expect(row.getByRole('button', { name: 'Selected' })).toBeDisabled();

  // Fold with it: the job names model_2 and, as model_2 has no PAE head, the result has no pTM.
  await page.getByTestId('sequence-input').fill(`>with_model_2\n${SEQUENCE}\n`);
  await page.getByTestId('recycles-input').fill('0');
  // SwiftShader is slower than the CPU reference, so the fold runs there; the label estimates it.
  await expect(page.getByTestId('engine-label')).toContainText(/about .+ with model_2 \(estimate/);
  await page.getByTestId('fold-button').click();
  const job = page.getByTestId('job').first();
  await expect(job.getByTestId('job-name')).toHaveText('with_model_2');
  await expectJobDone(job);
  await expect(job).toContainText('model_2');
  await expect(page.getByTestId('molstar')).toHaveAttribute('data-residues', String(SEQUENCE.length), {
    timeout: 60_000,
  });
  await expect(page.getByTestId('stat-model')).toContainText('model_2');
  await expect(page.getByTestId('stat-ptm')).toContainText('no pTM head');
  await expect(page.getByTestId('results-view')).toContainText('This model has no PAE head');
  await page.screenshot({ path: testInfo.outputPath('params-tar-folded.png'), fullPage: true });
  expect(errors).toEqual([]);
});
