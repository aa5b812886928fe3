/**
 * The results view on synthetic data (src/app/results/demo.tsx): Mol* loads the structure with
 * the right residue count (read from Mol*'s own state), the 3D canvas is drawn and coloured by
 * pLDDT, the PAE map reads values on hover and its rectangle selects residues in Mol*, and every
 * download equals what the output writers (and so `webfold fold`) produce. No console errors.
 *
 * The demo page is not part of the app's build (vite.config.ts lists index.html only), so this
 * spec builds `src/app/results/results-demo.html` with Vite's API and serves it with
 * `vite preview` (same config, same COOP/COEP headers) on a free port.
 */
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { expect, type Page, test } from '@playwright/test';
import { strFromU8, unzipSync } from 'fflate';
import { build, type PreviewServer, preview } from 'vite';
import { examplePrediction } from '../src/model/output/example-structure.ts';
import { toMmcif, toPaeJson, toPdb } from '../src/model/output/index.ts';
import { molstarCanvasPixels } from './fold-helpers.ts';

const SEQUENCE = 'MKTAYIAKQRQISFVKSHFSRQ';
const N = SEQUENCE.length;
const NAME = 'results-demo';
const MODEL = 'model_1_ptm';
const OUT_DIR = 'test-results/results-demo-dist';
const PAGE = '/src/app/results/results-demo.html';

let server: PreviewServer;
let base: string;

test.beforeAll(async () => {
  test.setTimeout(300_000);
  await build({
    configFile: 'vite.config.ts',
    logLevel: 'error',
    build: { outDir: OUT_DIR, emptyOutDir: true, sourcemap: false, rollupOptions: { input: PAGE.slice(1) } },
  });
  server = await preview({
    configFile: 'vite.config.ts',
    logLevel: 'error',
    build: { outDir: OUT_DIR },
    preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false },
  });
  const address = server.httpServer.address() as AddressInfo;
  base = `http://127.0.0.1:${address.port}`;
});

test.afterAll(async () => {
  await server?.close();
});

/** Console errors and page errors, collected for the whole test. */
function watchConsole(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  return errors;
}

async function openDemo(page: Page): Promise<void> {
  await page.goto(`${base}${PAGE}`);
  await expect(page.getByTestId('results-view')).toBeVisible();
  await expect(page.getByTestId('molstar')).toHaveAttribute('data-state', 'ready', { timeout: 120_000 });
}

async function downloadText(
  page: Page,
  testId: string,
): Promise<{ name: string; text: string; bytes: Buffer }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  const path = await download.path();
  const bytes = await readFile(path);
  return { name: download.suggestedFilename(), text: bytes.toString('utf8'), bytes };
}

test('results view: Mol* structure, pLDDT colours, PAE hover and selection, downloads', async ({
  page,
}, testInfo) => {
  const errors = watchConsole(page);
  // Count object URLs made and revoked (every download link must give its URL back).
  await page.addInitScript(() => {
    const urls = { created: 0, revoked: 0 };
    (window as unknown as { __urls: typeof urls }).__urls = urls;
    const create = URL.createObjectURL.bind(URL);
    const revoke = URL.revokeObjectURL.bind(URL);
    URL.createObjectURL = (o: Blob | MediaSource) => {
      urls.created++;
      return create(o);
    };
    URL.revokeObjectURL = (u: string) => {
      urls.revoked++;
      revoke(u);
    };
  });
  await page.setViewportSize({ width: 1280, height: 900 });
  await openDemo(page);

  // Mol*'s own state: one structure, N residues, every atom the writer put in the mmCIF.
  const expected = examplePrediction(SEQUENCE, 1);
  const mmcif = toMmcif(expected, { entryId: NAME, modelName: MODEL });
  const atomLines = mmcif.split('\n').filter((l) => l.startsWith('ATOM')).length;
  const state = await page.evaluate(() => {
    const plugin = window.__webfoldMolstar;
    const structures = plugin?.managers.structure.hierarchy.current.structures ?? [];
    const s = structures[0]?.cell.obj?.data;
    const reprs = structures[0]?.components.flatMap((c) => c.representations) ?? [];
    return {
      structures: structures.length,
      residues: s?.models[0].atomicHierarchy.residues._rowCount,
      atoms: s?.elementCount,
      representations: reprs.map((r) => ({
        type: r.cell.transform.params?.type?.name,
        color: r.cell.transform.params?.colorTheme?.name,
      })),
    };
  });
  expect(state.structures).toBe(1);
  expect(state.residues).toBe(N);
  expect(state.atoms).toBe(atomLines);
  expect(state.representations).toEqual([{ type: 'cartoon', color: 'plddt-confidence' }]);
  await expect(page.getByTestId('molstar')).toHaveAttribute('data-residues', String(N));

  // The 3D canvas is drawn (pixel variance) and carries the AFDB pLDDT colours.
  await page.waitForTimeout(500);
  const pixels = await molstarCanvasPixels(page);
  console.log('Mol* canvas pixels', JSON.stringify(pixels));
  expect(pixels).not.toBeNull();
  expect(pixels!.width).toBeGreaterThan(100);
  // The synthetic structure is a thin trace (random coordinates): a blank canvas has variance 0.
  expect(pixels!.variance).toBeGreaterThan(5);
  expect(pixels!.drawn).toBeGreaterThan(300);
  expect(pixels!.blue).toBeGreaterThan(10);
  expect(pixels!.orange + pixels!.yellow).toBeGreaterThan(10);
  await page.screenshot({ path: testInfo.outputPath('results-view.png'), fullPage: true });
  await page.getByTestId('molstar').screenshot({ path: testInfo.outputPath('molstar.png') });

  // PAE hover readout: the value under the pointer is the matrix entry (row = aligned y, col = scored x).
  const canvas = page.getByTestId('pae-canvas');
  const box = (await canvas.boundingBox())!;
  const cell = box.width / N;
  const at = (x: number, y: number) => ({ x: box.x + (x + 0.5) * cell, y: box.y + (y + 0.5) * cell });
  const p1 = at(5, 12);
  await page.mouse.move(p1.x, p1.y);
  const pae = expected.pae!;
  await expect(page.getByTestId('pae-readout')).toContainText(
    `Scored residue 6 ILE, aligned residue 13 SER: PAE ${pae[12 * N + 5].toFixed(2)} Å`,
  );

  // Dragging a rectangle selects (and focuses) those residues in Mol*.
  const p2 = at(9, 16);
  await page.mouse.down();
  await page.mouse.move(p2.x, p2.y, { steps: 5 });
  await page.mouse.up();
  await expect(page.getByTestId('pae-selection-readout')).toContainText(
    'scored residues 6–10, aligned residues 13–17',
  );
  await expect(page.getByTestId('pae-selection')).toBeVisible();
  // scored 6–10 and aligned 13–17 in Mol*'s selection manager: count their atoms
  const selectedAtoms = await page.evaluate(
    () => window.__webfoldMolstar?.managers.structure.selection.stats.elementCount,
  );
  const expectedAtoms = mmcif
    .split('\n')
    .filter((l) => l.startsWith('ATOM'))
    .filter((l) => {
      const labelSeq = Number(l.trim().split(/\s+/)[8]);
      return (labelSeq >= 6 && labelSeq <= 10) || (labelSeq >= 13 && labelSeq <= 17);
    }).length;
  expect(selectedAtoms).toBe(expectedAtoms);
  await page.screenshot({ path: testInfo.outputPath('results-selection.png'), fullPage: true });

  // Keyboard: the map is focusable and arrow keys move the readout; Escape clears the selection.
  await canvas.focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('pae-readout')).toContainText('PAE');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('pae-selection')).toHaveCount(0);
  await expect
    .poll(() => page.evaluate(() => window.__webfoldMolstar?.managers.structure.selection.stats.elementCount))
    .toBe(0);

  // pLDDT plot hover readout.
  const plot = page.getByTestId('plddt-plot');
  await plot.focus();
  await page.keyboard.press('Home');
  await expect(page.getByTestId('plddt-readout')).toContainText(
    `Residue 1 MET: pLDDT ${expected.plddt[0].toFixed(1)}`,
  );

  // Downloads equal the writers' output (the same calls `webfold fold` makes).
  const pdb = await downloadText(page, 'download-pdb');
  expect(pdb.name).toBe(`${NAME}.pdb`);
  expect(pdb.text).toBe(toPdb(expected, { model: 1 }));
  const cif = await downloadText(page, 'download-mmcif');
  expect(cif.name).toBe(`${NAME}.cif`);
  expect(cif.text).toBe(mmcif);
  const paeJson = await downloadText(page, 'download-pae');
  expect(paeJson.name).toBe(`${NAME}_pae.json`);
  expect(paeJson.text).toBe(toPaeJson(pae, N, { maxPae: expected.maxPae }));
  const scores = await downloadText(page, 'download-scores');
  expect(scores.name).toBe(`${NAME}_scores.json`);
  const parsed = JSON.parse(scores.text);
  expect(parsed).toMatchObject({ model_name: MODEL, seed: 1, num_residues: N, num_recycles: 3, ptm: 0.4321 });
  const a3m = await downloadText(page, 'download-a3m');
  expect(a3m.name).toBe(`${NAME}.a3m`);
  expect(a3m.text).toBe(`>query\n${SEQUENCE}\n`);
  const zip = await downloadText(page, 'download-zip');
  expect(zip.name).toBe(`${NAME}.zip`);
  const entries = unzipSync(new Uint8Array(zip.bytes));
  expect(Object.keys(entries).sort()).toEqual(
    [`${NAME}.a3m`, `${NAME}.cif`, `${NAME}.pdb`, `${NAME}_pae.json`, `${NAME}_scores.json`].map(
      (f) => `${NAME}/${f}`,
    ),
  );
  expect(strFromU8(entries[`${NAME}/${NAME}.pdb`])).toBe(pdb.text);
  expect(strFromU8(entries[`${NAME}/${NAME}.cif`])).toBe(cif.text);
  // The object URLs are revoked after use (a moment after the click).
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { __urls: object }).__urls))
    .toEqual({ created: 6, revoked: 6 });

  expect(errors).toEqual([]);
});

test('results view fits a laptop screen and is reachable by keyboard', async ({ page }, testInfo) => {
  const errors = watchConsole(page);
  await page.setViewportSize({ width: 1024, height: 700 });
  await openDemo(page);
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
  // Tab order reaches the PAE map, the pLDDT plot and the download buttons.
  const reached = new Set<string>();
  for (let i = 0; i < 30; i++) {
    await page.keyboard.press('Tab');
    const id = await page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? '');
    if (id) reached.add(id);
  }
  for (const id of ['pae-canvas', 'plddt-plot', 'download-pdb', 'download-zip'])
    expect(reached).toContain(id);
  await expect(page.getByTestId('pae-canvas')).toHaveAttribute('aria-label', /heatmap/);
  await page.screenshot({ path: testInfo.outputPath('results-1024.png'), fullPage: true });
  expect(errors).toEqual([]);
});
