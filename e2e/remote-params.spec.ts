/**
 * Issue 8, parameters from a URL: a download cut half-way resumes (Range + If-Range) to a file
 * whose SHA-256 is verified before it is imported; tampered bytes are refused with a message naming
 * the expected and actual digests, and nothing is kept. The file comes from a local server
 * (test/servers/params-server.ts) on another origin, with CORS and CORP headers.
 */
import { readFile } from 'node:fs/promises';
import { expect, type Page, test } from '@playwright/test';
import { type ParamsServer, startParamsServer, tampered } from '../test/servers/params-server.ts';
import { writeTar } from '../test/servers/tar-write.ts';
import { collectErrors, openApp } from './fold-helpers.ts';

const PORT = Number(process.env.WEBFOLD_PARAMS_SERVER_PORT ?? 4293);
const PATH = '/alphafold/params_model_1_ptm.npz';
const JUNK = '/alphafold/not-params.npz';
const TAR = '/alphafold/alphafold_params_test.tar';
let server: ParamsServer;
let npz: Uint8Array;
let url: string;

test.beforeAll(async () => {
  npz = new Uint8Array(await readFile('public/demo/params_demo_untrained.npz'));
  const tar = writeTar([
    { name: 'params_model_1.npz', data: npz },
    { name: 'params_model_2_ptm.npz', data: npz },
  ]);
  server = await startParamsServer(
    { [PATH]: npz, [JUNK]: new TextEncoder().encode('x'.repeat(5000)), [TAR]: tar },
    PORT,
  );
  url = `${server.url}${PATH}`;
});
test.afterAll(() => server?.close());
test.beforeEach(() => server.reset());

/** Names in one OPFS directory of the app's origin. */
async function opfs(page: Page, dir: string): Promise<string[]> {
  return page.evaluate(async (d) => {
    const root = await navigator.storage.getDirectory();
    const handle = (await root.getDirectoryHandle(d, { create: true })) as FileSystemDirectoryHandle & {
      keys(): AsyncIterable<string>;
    };
    const names: string[] = [];
    for await (const n of handle.keys()) names.push(n);
    return names.sort();
  }, dir);
}

async function openForm(page: Page, sha256: string) {
  await page.getByTestId('params-url').locator('summary').click();
  await page.getByTestId('params-url-input').fill(url);
  await page.getByTestId('params-url-sha256').fill(sha256);
}

test('a download cut half-way resumes to a verified file, which becomes the selected parameter set', async ({
  page,
}, testInfo) => {
  const errors = collectErrors(page);
  await openApp(page);
  await expect(page.getByTestId('params-row')).toHaveCount(1); // the demo set
  await openForm(page, server.sha256(PATH).toUpperCase());
  server.switches.cutAt = npz.length >> 1;
  await page.getByTestId('params-url-download').click();

  const stopped = page.getByTestId('params-url-interrupted');
  await expect(stopped).toContainText('Download stopped before the end.');
  await expect(stopped).toContainText(/broke off at .* MiB of 0\.7 MiB .*Resume to continue from there/);
  // The bytes so far are kept as a part file, never as a usable set.
  expect(await opfs(page, 'webfold-downloads')).toHaveLength(2);
  expect(await opfs(page, 'webfold-params')).toEqual([]);
  await page.reload();
  await expect(page.getByTestId('params-row')).toHaveCount(1);
  await openForm(page, server.sha256(PATH));
  await expect(page.getByTestId('params-url-partial')).toContainText('already downloaded (not usable until');
  await expect(page.getByTestId('params-url-download')).toHaveText('Resume download');
  await page.screenshot({ path: `${testInfo.outputDir}/params-url-partial.png`, fullPage: true });

  await page.getByTestId('params-url-download').click();
  const done = page.getByTestId('params-url-done');
  await expect(done).toContainText('✓ Stored model_1_ptm', { timeout: 120_000 });
  await expect(done).toContainText(
    `SHA-256 ${server.sha256(PATH)} matches the SHA-256 you entered; resumed at`,
  );

  const gets = server.requests.filter((r) => r.path === PATH && r.method === 'GET');
  expect(gets).toHaveLength(2);
  expect(gets[0]).toMatchObject({ range: undefined, status: 200 });
  const kept = Number(/^bytes=(\d+)-$/.exec(gets[1].range ?? '')?.[1]);
  expect(kept).toBeGreaterThan(0);
  expect(kept).toBeLessThanOrEqual(npz.length >> 1);
  expect(gets[1]).toMatchObject({ status: 206, sent: npz.length - kept });
  expect(gets[1].ifRange).toMatch(/^"[0-9a-f]{16}"$/);

  // Stored as a runtime pack, selected for the next fold; the download itself is gone.
  await expect(page.getByTestId('params-row')).toHaveCount(2);
  const row = page.locator('[data-testid="params-row"][data-demo="false"]');
  await expect(row).toContainText('model_1_ptm');
  await expect(row).toContainText(url);
  const stored = await opfs(page, 'webfold-params');
  expect(stored.filter((n) => n.endsWith('.pack'))).toHaveLength(1);
  expect(await opfs(page, 'webfold-downloads')).toEqual([]);
  const id = stored[0].replace(/\.(json|pack)$/, '');
  await expect(page.getByTestId('params-select')).toHaveValue(id);
  await page.screenshot({ path: `${testInfo.outputDir}/params-url-done.png`, fullPage: true });
  // The cut connection is logged by the browser as a failed resource; nothing else may be.
  expect(errors.filter((e) => !/net::ERR_CONTENT_LENGTH_MISMATCH/.test(e))).toEqual([]);
});

test('Pause stops a running download and keeps its bytes; Resume finishes it', async ({ page }) => {
  const errors = collectErrors(page);
  await openApp(page);
  await openForm(page, server.sha256(PATH));
  server.switches.holdAt = 300_000;
  await page.getByTestId('params-url-download').click();
  const progress = page.getByTestId('params-url-progress');
  await expect(progress).toHaveAttribute('data-phase', 'downloading');
  await expect(progress).toHaveAttribute('data-done', '300000');
  await expect(progress).toContainText('downloading 293.0 KiB of 758.4 KiB');
  await page.getByTestId('params-url-pause').click();
  const stopped = page.getByTestId('params-url-interrupted');
  await expect(stopped).toContainText('download paused at 0.3 MiB; the bytes so far are kept');
  server.release(); // the paused connection is gone: nothing more arrives on it
  await expect(page.getByTestId('params-row')).toHaveCount(1);
  await page.getByTestId('params-url-resume').click();
  await expect(page.getByTestId('params-url-done')).toContainText(
    `SHA-256 ${server.sha256(PATH)} matches the SHA-256 you entered; resumed at 293.0 KiB`,
  );
  const gets = server.requests.filter((r) => r.path === PATH && r.method === 'GET');
  expect(gets.map((r) => r.range)).toEqual([undefined, 'bytes=300000-']);
  await expect(page.getByTestId('params-row')).toHaveCount(2);
  expect(errors).toEqual([]);
});

test('tampered bytes are refused naming expected and actual SHA-256, and nothing is kept', async ({
  page,
}, testInfo) => {
  const errors = collectErrors(page);
  await openApp(page);
  server.switches.tamper = true;
  const { createHash } = await import('node:crypto');
  const actual = createHash('sha256').update(tampered(npz)).digest('hex');

  await openForm(page, server.sha256(PATH));
  await page.getByTestId('params-url-download').click();
  const error = page.getByTestId('params-url-error');
  await expect(error).toContainText('Could not use these parameters.');
  await expect(error).toContainText(
    `SHA-256 mismatch for ${url}: expected ${server.sha256(PATH)} (the SHA-256 you entered), got ${actual}. ` +
      'The file is damaged or is not the published one; it was deleted and nothing was stored.',
  );
  await expect(page.getByTestId('params-url-resume')).toHaveCount(0);
  await page.screenshot({ path: `${testInfo.outputDir}/params-url-tampered.png`, fullPage: true });

  // With no digest typed, the server's <url>.sha256 is the reference.
  server.switches.sidecar = true;
  await page.getByTestId('params-url-sha256').fill('');
  await page.getByTestId('params-url-download').click();
  await expect(error).toContainText(`expected ${server.sha256(PATH)} (${url}.sha256), got ${actual}`);

  await expect(page.getByTestId('params-row')).toHaveCount(1);
  expect(await opfs(page, 'webfold-downloads')).toEqual([]);
  expect(await opfs(page, 'webfold-params')).toEqual([]);
  expect(errors).toEqual([]);
});

test('a file that is not AlphaFold2 parameters is refused after a complete download, and not kept', async ({
  page,
}) => {
  await openApp(page);
  const junk = `${server.url}${JUNK}`;
  await page.getByTestId('params-url').locator('summary').click();
  await page.getByTestId('params-url-input').fill(junk);
  await page.getByTestId('params-url-download').click();
  const error = page.getByTestId('params-url-error');
  await expect(error).toContainText('not-params.npz is not a parameter file: it is not an .npz archive');
  await expect(error).toContainText('The downloaded file was deleted; nothing was stored.');
  await expect(page.getByTestId('params-row')).toHaveCount(1);
  expect(await opfs(page, 'webfold-downloads')).toEqual([]);
});

test('an AlphaFold params .tar from a URL: verified once, then the chosen model is imported', async ({
  page,
}) => {
  const errors = collectErrors(page);
  await openApp(page);
  server.switches.sidecar = true;
  await page.getByTestId('params-url').locator('summary').click();
  await page.getByTestId('params-url-input').fill(`${server.url}${TAR}`);
  await page.getByTestId('params-url-download').click();
  const verified = page.getByTestId('params-url-verified');
  await expect(verified).toContainText(`matches ${server.url}${TAR}.sha256`);
  const picker = page.getByTestId('params-url-model-picker');
  await expect(picker).toContainText('The archive holds 2 models');
  // Waiting for the choice, the verified archive is kept but lists as nothing.
  await expect(page.getByTestId('params-row')).toHaveCount(1);
  await picker.locator('select').selectOption('model_2_ptm');
  await picker.getByRole('button', { name: 'Import model_2_ptm' }).click();
  await expect(page.getByTestId('params-url-done')).toContainText('✓ Stored model_2_ptm');
  expect(server.requests.filter((r) => r.path === TAR && r.method === 'GET')).toHaveLength(1);
  await expect(page.getByTestId('params-row')).toHaveCount(2);
  expect(await opfs(page, 'webfold-downloads')).toEqual([]);
  expect(errors).toEqual([]);
});
