/**
 * Issue 6: the PDB the app offers for download equals, byte for byte, what `webfold fold` writes
 * for the same FASTA, parameters (the shipped demo set), seed, recycles and MSA sampling on the
 * same engine. The engine is chosen explicitly (the CPU reference) so the browser run and the CLI
 * run do the same arithmetic; features use the same defaults on both sides (clusters/extra rows
 * left on "auto" in the app = the CLI's defaults). The scores JSON carries the same numbers and
 * the same per_recycle section (one helper in src/model/output); only measured times differ.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, type Page, test } from '@playwright/test';
import { collectErrors, expectJobDone, openApp } from './fold-helpers.ts';

const run = promisify(execFile);

const NAME = 'parity_protein';
const SEQUENCE = 'MKTAYIAKQRQISFVKSHFSRQLEERLGLIEV'; // 32 residues
const SEED = 7;
const RECYCLES = 1;
const SAMPLING = 'af2';
const PARAMS = 'public/demo/params_demo_untrained.npz';

async function download(page: Page, testId: string): Promise<{ name: string; text: string }> {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  const path = await dl.path();
  return { name: dl.suggestedFilename(), text: await readFile(path, 'utf8') };
}

test('the downloaded PDB equals what `webfold fold` writes for the same input, parameters and seed', async ({
  page,
}, testInfo) => {
  const errors = collectErrors(page);
  const fasta = `>${NAME} parity test\n${SEQUENCE}\n`;

  await openApp(page);
  await expect(page.getByTestId('demo-params-warning')).toBeVisible();
  await page.getByTestId('sequence-input').fill(fasta);
  await expect(page.getByTestId('sequence-ok')).toContainText(`${SEQUENCE.length} residues`);
  await page.getByTestId('engine-select').selectOption('cpu');
  await page.getByTestId('recycles-input').fill(String(RECYCLES));
  await page.getByTestId('seed-input').fill(String(SEED));
  await page.getByText('Advanced MSA settings').click();
  await page.getByTestId('sampling-select').selectOption(SAMPLING);
  // clusters / extra rows stay on "auto": the CLI's defaults
  await expect(page.getByTestId('clusters-input')).toHaveValue('');
  await expect(page.getByTestId('extra-input')).toHaveValue('');

  const t0 = Date.now();
  await page.getByTestId('fold-button').click();
  const job = page.getByTestId('job').first();
  await expect(job.getByTestId('job-name')).toHaveText(NAME);
  await expectJobDone(job);
  testInfo.annotations.push({ type: 'app fold (CPU reference)', description: `${Date.now() - t0} ms` });

  const pdb = await download(page, 'download-pdb');
  expect(pdb.name).toBe(`${NAME}.pdb`);
  const cif = await download(page, 'download-mmcif');
  expect(cif.name).toBe(`${NAME}.cif`);
  const scores = await download(page, 'download-scores');
  expect(scores.name).toBe(`${NAME}_scores.json`);

  // the CLI on the same FASTA
  const dir = testInfo.outputPath('cli');
  await mkdir(dir, { recursive: true });
  const input = join(dir, `${NAME}.fasta`);
  await writeFile(input, fasta);
  const out = join(dir, 'out');
  const t1 = Date.now();
  await run(
    process.execPath,
    [
      'bin/webfold.mjs',
      'fold',
      input,
      '--params',
      PARAMS,
      '--seed',
      String(SEED),
      '--recycles',
      String(RECYCLES),
      '--msa-sampling',
      SAMPLING,
      '--backend',
      'cpu',
      '--out',
      out,
    ],
    { timeout: 300_000 },
  );
  testInfo.annotations.push({ type: 'CLI fold (cpu)', description: `${Date.now() - t1} ms` });

  const cliPdb = await readFile(join(out, `${NAME}.pdb`), 'utf8');
  expect(pdb.text.split('\n').filter((l) => l.startsWith('ATOM')).length).toBeGreaterThan(
    SEQUENCE.length * 4,
  );
  expect(pdb.text).toBe(cliPdb);
  // the mmCIF too (same entry id from the same name, same model name 'demo_untrained')
  expect(cif.text).toBe(await readFile(join(out, `${NAME}.cif`), 'utf8'));
  // the scores JSON: the same numbers, and per_recycle from the same helper (src/model/output);
  // only the measured times (and the CLI's extra run facts) can differ
  const app = JSON.parse(scores.text);
  const cli = JSON.parse(await readFile(join(out, `${NAME}_scores.json`), 'utf8'));
  const untimed = (s: { timings_ms: unknown; extra: { per_recycle: { ms: number }[] } }) => ({
    ...s,
    timings_ms: undefined,
    extra: undefined,
    per_recycle: s.extra.per_recycle.map((r) => ({ ...r, ms: undefined })),
  });
  expect(app.extra.per_recycle).toHaveLength(RECYCLES + 1);
  expect(untimed(app)).toEqual(untimed(cli));
  expect(app.extra.engine).toBe(cli.extra.engine);
  expect(app.extra.precision).toBe(cli.extra.precision);
  expect(errors).toEqual([]);
});
