/**
 * Issue 8 (PWA, offline, durability). Online once: the service worker saves the app (JS chunks,
 * workers, CSS, index.html, icons, the demo parameters) into its cache. Then the browser context
 * goes offline and the page reloads: the app starts from the cache, still cross-origin isolated
 * (the cached responses are re-wrapped with COOP/COEP), folds with the cached demo parameters
 * and with a set imported into OPFS while online, shows the structure in Mol* (read from Mol*'s
 * own state), downloads the PDB, and the jobs with their results survive another offline reload;
 * the storage panel cleans up. A tab that crashes mid-fold while offline comes back with its
 * queue from IndexedDB. A new version waits until the user accepts the "Update available —
 * reload" prompt. No console errors.
 */
import { readFile } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, type Page, test } from '@playwright/test';
import { collectErrors, expectJobDone, openApp } from './fold-helpers.ts';

const SEQUENCE = 'MKTAYIAKQRQISFVKSHFSRQ'; // 22 residues
const GOLDEN_PARAMS = 'test/fixtures/golden/params.npz';

/** Paths (relative to the origin) held by the app's precache, read in the page. */
async function precachedPaths(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const paths: string[] = [];
    for (const name of await caches.keys()) {
      if (!name.startsWith('webfold-precache-')) continue;
      for (const req of await (await caches.open(name)).keys()) paths.push(new URL(req.url).pathname);
    }
    return paths.sort();
  });
}

/** Waits until the first service worker is active and its precache complete (the app says so). */
async function waitOfflineReady(page: Page): Promise<void> {
  await expect(page.getByTestId('offline-status')).toHaveAttribute('data-state', 'ready', {
    timeout: 120_000,
  });
  expect(await page.evaluate(async () => (await navigator.serviceWorker.ready).active?.state)).toBe(
    'activated',
  );
}

test('online once, then offline: the app starts, folds with the cached demo set and an imported one, shows Mol*, downloads', async ({
  page,
  context,
}, testInfo) => {
  const errors = collectErrors(page);
  const t0 = Date.now();
  await openApp(page);
  await waitOfflineReady(page);
  testInfo.annotations.push({
    type: 'first visit → offline copy saved',
    description: `${Date.now() - t0} ms`,
  });
  // The first load came from the network and stays there (no clients.claim()).
  expect(await page.evaluate(() => navigator.serviceWorker.controller)).toBeNull();
  const paths = await precachedPaths(page);
  expect(paths).toContain('/index.html');
  expect(paths).toContain('/demo/params_demo_untrained.npz');
  expect(paths).toContain('/manifest.webmanifest');
  expect(paths.some((p) => /^\/assets\/fold\.worker-[^/]+\.js$/.test(p))).toBe(true);
  expect(paths.some((p) => /^\/assets\/gpu\.worker-[^/]+\.js$/.test(p))).toBe(true);
  expect(paths.some((p) => /^\/assets\/index-[^/]+\.js$/.test(p))).toBe(true);
  expect(paths.some((p) => p.endsWith('.map'))).toBe(false);
  testInfo.annotations.push({ type: 'precached files', description: String(paths.length) });
  // Installable: Chromium finds a valid manifest, icons and a service worker.
  const cdp = await context.newCDPSession(page);
  const manifest = (await cdp.send('Page.getAppManifest')) as { errors: { message: string }[]; url: string };
  expect(manifest.url).toMatch(/\/manifest\.webmanifest$/);
  expect(manifest.errors).toEqual([]);
  const installability = (await cdp.send('Page.getInstallabilityErrors')) as {
    installabilityErrors: { errorId: string }[];
  };
  // Playwright's contexts are incognito, which Chromium reports on its own; nothing else may be.
  expect(installability.installabilityErrors.filter((e) => e.errorId !== 'in-incognito')).toEqual([]);
  await cdp.detach();

  // A parameter set imported while online (into OPFS) is there offline too.
  await page.getByTestId('params-file-input').setInputFiles(GOLDEN_PARAMS);
  await expect(page.getByTestId('params-import-done')).toContainText('Stored', { timeout: 120_000 });
  await expect(page.getByTestId('params-row')).toHaveCount(2);

  await context.setOffline(true);
  const t1 = Date.now();
  await page.reload();
  await expect(page.getByTestId('app-header')).toBeVisible();
  testInfo.annotations.push({ type: 'offline reload → app shown', description: `${Date.now() - t1} ms` });
  expect(await page.evaluate(() => navigator.onLine)).toBe(false);
  expect(await page.evaluate(() => navigator.serviceWorker.controller?.state)).toBe('activated');
  expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
  await expect(page.getByTestId('offline-status')).toHaveAttribute('data-online', 'false');
  await expect(page.getByTestId('offline-status')).toContainText('You are offline');
  // The demo parameters come from the cache (the worker's fetch goes through the service worker).
  await expect(page.getByTestId('params-row').first()).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('params-row').first()).toHaveAttribute('data-demo', 'true');
  await expect(page.getByTestId('params-row')).toHaveCount(2);
  await expect(page.getByTestId('jobs-panel')).toHaveAttribute('data-hydrated', 'true');
  await expect(page.getByTestId('engine-label')).toContainText('Runs on:', { timeout: 60_000 });
  expect(page.workers().length).toBeGreaterThan(0);
  for (const worker of page.workers())
    expect(await worker.evaluate(() => self.crossOriginIsolated)).toBe(true);

  await page.getByTestId('params-select').selectOption('demo');
  await page.getByTestId('sequence-input').fill(`>offline_fold\n${SEQUENCE}\n`);
  await page.getByTestId('recycles-input').fill('1');
  await page.getByTestId('fold-button').click();
  const job = page.getByTestId('job').first();
  await expect(job.getByTestId('job-name')).toHaveText('offline_fold');
  await expectJobDone(job);
  await expect(page.getByTestId('result-residues')).toHaveText(String(SEQUENCE.length));
  await expect(page.getByTestId('molstar')).toHaveAttribute('data-residues', String(SEQUENCE.length), {
    timeout: 60_000,
  });

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('download-pdb').click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^offline_fold.*\.pdb$/);
  const pdb = await readFile(await download.path(), 'utf8');
  const caLines = pdb.split('\n').filter((l) => l.startsWith('ATOM') && l.slice(12, 16).trim() === 'CA');
  expect(caLines).toHaveLength(SEQUENCE.length);
  await page.screenshot({ path: testInfo.outputPath('offline-fold.png'), fullPage: true });

  // And with the imported set, read from OPFS.
  const imported = await page
    .locator('[data-testid="params-select"] option:not([value="demo"]):not([value=""])')
    .getAttribute('value');
  await page.getByTestId('params-select').selectOption(imported!);
  await page.getByTestId('sequence-input').fill(`>offline_imported\n${SEQUENCE}\n`);
  await page.getByTestId('recycles-input').fill('0');
  await page.getByTestId('fold-button').click();
  const second = page.getByTestId('job').first();
  await expect(second.getByTestId('job-name')).toHaveText('offline_imported');
  await expectJobDone(second);
  await expect(page.getByTestId('result-residues')).toHaveText(String(SEQUENCE.length));
  await expect(page.getByTestId('result-demo-warning')).toHaveCount(0); // not the demo set
  await expect(page.getByTestId('molstar')).toHaveAttribute('data-residues', String(SEQUENCE.length), {
    timeout: 60_000,
  });

  // Still offline: the jobs and their results come back from IndexedDB after another reload.
  await page.reload();
  await expect(page.getByTestId('jobs-panel')).toHaveAttribute('data-hydrated', 'true');
  await expect(page.getByTestId('job')).toHaveCount(2);
  for (const job of await page.getByTestId('job').all())
    await expect(job).toHaveAttribute('data-status', 'done');
  await expect(page.getByTestId('result-residues')).toHaveText(String(SEQUENCE.length));
  expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);

  // Storage panel, still offline: use by kind, persistence, cleanup of jobs and imported sets.
  const storage = page.getByTestId('storage-panel');
  const usage = storage.getByTestId('storage-usage');
  await expect(usage).toContainText('used');
  expect(Number(await usage.getAttribute('data-usage'))).toBeGreaterThan(0);
  await expect(storage.locator('[data-kind="caches"]')).toBeVisible();
  await expect(storage.getByTestId('storage-persisted')).toHaveAttribute('data-persisted', /^(true|false)$/);
  await expect(storage.getByTestId('delete-finished-jobs')).toContainText('Delete finished jobs (2,');
  await storage.getByTestId('delete-finished-jobs').click();
  await storage.getByTestId('delete-finished-jobs-confirm').click();
  await expect(page.getByTestId('job')).toHaveCount(0);
  await expect(storage.getByTestId('delete-finished-jobs')).toBeDisabled();

  await expect(storage.getByTestId('delete-imported-params')).toContainText(
    'Delete imported parameter sets (1,',
  );
  await storage.getByTestId('delete-imported-params').click();
  await storage.getByTestId('delete-imported-params-confirm').click();
  await expect(page.getByTestId('params-row')).toHaveCount(1);
  await expect(storage.getByTestId('delete-imported-params')).toBeDisabled();
  await page.screenshot({ path: testInfo.outputPath('offline-storage.png'), fullPage: true });

  // The deletions are stored too.
  await page.reload();
  await expect(page.getByTestId('jobs-panel')).toHaveAttribute('data-hydrated', 'true');
  await expect(page.getByTestId('params-row').first()).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('job')).toHaveCount(0);
  await expect(page.getByTestId('params-row')).toHaveCount(1);
  await expect(page.getByTestId('offline-status')).toHaveAttribute('data-state', 'ready');
  await expect(page.getByTestId('offline-status')).toContainText('You are offline');
  expect(errors).toEqual([]);
});

test('the tab crashes mid-fold while offline: the queue comes back from IndexedDB and the queued job runs', async ({
  page,
  context,
}) => {
  const errors = collectErrors(page);
  await openApp(page);
  await waitOfflineReady(page);
  await context.setOffline(true);
  await page.reload();
  await expect(page.getByTestId('params-row').first()).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('jobs-panel')).toHaveAttribute('data-hydrated', 'true');

  await page.getByTestId('sequence-input').fill(`>long_running\n${SEQUENCE.repeat(4)}`);
  await page.getByTestId('recycles-input').fill('20');
  await page.getByTestId('fold-button').click();
  await page.getByTestId('sequence-input').fill(`>queued_next\n${SEQUENCE}`);
  await page.getByTestId('recycles-input').fill('0');
  await page.getByTestId('fold-button').click();
  const running = page.getByTestId('job').filter({ hasText: 'long_running' });
  await expect(running).toHaveAttribute('data-status', 'running');
  await expect
    .poll(async () => Number(await running.getByTestId('job-progress').getAttribute('data-fraction')), {
      timeout: 120_000,
    })
    .toBeGreaterThan(0);
  await expect(page.getByTestId('job').filter({ hasText: 'queued_next' })).toHaveAttribute(
    'data-status',
    'queued',
  );

  // A real renderer crash, not a polite unload.
  const cdp = await context.newCDPSession(page);
  const crashed = page.waitForEvent('crash');
  void cdp.send('Page.crash').catch(() => {});
  await crashed;

  const again = await context.newPage();
  const errorsAfter = collectErrors(again);
  await again.goto('/');
  expect(await again.evaluate(() => navigator.onLine)).toBe(false);
  await expect(again.getByTestId('jobs-panel')).toHaveAttribute('data-hydrated', 'true');
  const interrupted = again.getByTestId('job').filter({ hasText: 'long_running' });
  await expect(interrupted).toHaveAttribute('data-status', 'interrupted');
  await expect(interrupted.getByTestId('job-error')).toContainText('Interrupted');
  const next = again.getByTestId('job').filter({ hasText: 'queued_next' });
  await expectJobDone(next);
  expect(errors).toEqual([]);
  expect(errorsAfter).toEqual([]);
});

/**
 * A proxy in front of the app's server that can "deploy" another service worker script: after
 * `deploy()`, /sw.js is the build's script plus `extra` (Playwright's routing does not see the
 * browser's own fetch of a service worker script, so the change is made on the server side).
 */
async function swDeployProxy(target: string, extra: string) {
  let deployed = false;
  let swFetches = 0;
  const server: Server = createServer((req, res) => {
    const isSw = new URL(req.url ?? '/', target).pathname === '/sw.js';
    // The deployed script is fetched whole and plain (no 304 from validators, no gzip) to append to.
    const {
      'if-none-match': _inm,
      'if-modified-since': _ims,
      'accept-encoding': _ae,
      ...fresh
    } = req.headers;
    const headers = isSw && deployed ? fresh : req.headers;
    const upstream = request(new URL(req.url ?? '/', target), { method: req.method, headers }, (up) => {
      if (isSw) swFetches++;
      if (!(isSw && deployed && up.statusCode === 200)) {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
        return;
      }
      const chunks: Buffer[] = [];
      up.on('data', (c: Buffer) => chunks.push(c));
      up.on('end', () => {
        const body = Buffer.concat([...chunks, Buffer.from(`\n${extra}\n`)]);
        const { 'content-length': _len, etag: _etag, 'last-modified': _lm, ...headers } = up.headers;
        res.writeHead(200, { ...headers, 'content-length': body.length });
        res.end(body);
      });
    });
    upstream.on('error', (err) => res.destroy(err));
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    deploy: () => {
      deployed = true;
    },
    swFetches: () => swFetches,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

test('a new version waits for "Update available — reload", then takes over after one reload', async ({
  page,
  baseURL,
}, testInfo) => {
  const errors = collectErrors(page);
  // The new script answers "e2e-version?", so the page can tell which version controls it.
  const proxy = await swDeployProxy(
    baseURL!,
    "self.addEventListener('message', (e) => { if (e.data === 'e2e-version?') e.source.postMessage('e2e-v2'); });",
  );
  try {
    await page.goto(proxy.url);
    await waitOfflineReady(page);
    await page.reload();
    await expect(page.getByTestId('offline-status')).toHaveAttribute('data-state', 'ready');
    expect(await page.evaluate(() => navigator.serviceWorker.controller?.state)).toBe('activated');
    await expect(page.getByTestId('update-prompt')).toHaveCount(0);

    proxy.deploy();
    const before = proxy.swFetches();
    await page.evaluate(async () => {
      await (await navigator.serviceWorker.getRegistration())?.update();
    });
    expect(proxy.swFetches()).toBeGreaterThan(before);
    const prompt = page.getByTestId('update-prompt');
    await expect(prompt).toBeVisible({ timeout: 60_000 });
    await expect(prompt.getByTestId('update-reload')).toHaveText('Update available — reload');
    // Nothing was swapped: the new version waits, the old one still controls this page.
    expect(
      await page.evaluate(async () => Boolean((await navigator.serviceWorker.getRegistration())?.waiting)),
    ).toBe(true);
    await page.screenshot({ path: testInfo.outputPath('update-available.png') });
    // A second tab on the old version offers the update as well.
    const other = await page.context().newPage();
    const otherErrors = collectErrors(other);
    await other.goto(proxy.url);
    await expect(other.getByTestId('update-prompt')).toHaveAttribute('data-kind', 'waiting');

    const reloaded = page.waitForEvent('load');
    await prompt.getByTestId('update-reload').click();
    await reloaded;
    // The other tab is told it still runs the previous version, and reloads only when asked.
    await expect(other.getByTestId('update-prompt')).toHaveAttribute('data-kind', 'elsewhere');
    await expect(other.getByTestId('update-reload')).toHaveText('Reload this tab');
    expect(otherErrors).toEqual([]);
    await expect(page.getByTestId('app-header')).toBeVisible();
    await expect(page.getByTestId('update-prompt')).toHaveCount(0);
    const version = await page.evaluate(
      () =>
        new Promise<string>((resolve) => {
          navigator.serviceWorker.addEventListener('message', (e) => resolve(String(e.data)), { once: true });
          navigator.serviceWorker.controller?.postMessage('e2e-version?');
        }),
    );
    expect(version).toBe('e2e-v2');
    expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
    expect(errors).toEqual([]);
  } finally {
    await proxy.close();
  }
});
