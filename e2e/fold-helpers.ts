/** Shared steps of the fold e2e specs: error collection and driving the input panel. */
import { expect, type Locator, type Page } from '@playwright/test';

/** Console errors and uncaught exceptions of the page and its workers. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console.error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => errors.push(`page error: ${err.message}`));
  page.on('worker', (worker) => {
    worker.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(`worker console.error: ${msg.text()}`);
    });
  });
  return errors;
}

/** Waits (up to 5 min) until the job `job` is done, failing at once with its error if it fails. */
export async function expectJobDone(job: Locator): Promise<void> {
  await expect(job).toHaveAttribute('data-status', /done|failed/, { timeout: 300_000 });
  await expect(job.getByTestId('job-error')).toHaveCount(0);
  await expect(job).toHaveAttribute('data-status', 'done');
}

/** The golden run's settings: 2 recycles, deterministic MSA (8 cluster rows + 12 extra rows). */
export async function setGoldenRunSettings(page: Page): Promise<void> {
  await page.getByTestId('recycles-input').fill('2');
  await page.getByText('Advanced MSA settings').click();
  await page.getByTestId('sampling-select').selectOption('none');
  await page.getByTestId('clusters-input').fill('8');
  await page.getByTestId('extra-input').fill('12');
}

/** Opens the app and waits until the parameter list and the saved jobs are there. */
export async function openApp(page: Page): Promise<void> {
  await page.goto('/');
  await expect(page.getByTestId('params-row').first()).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('jobs-panel')).toHaveAttribute('data-hydrated', 'true');
  await expect(page.getByTestId('engine-label')).toContainText('Runs on:', { timeout: 60_000 });
}

/** Records every fold-progress fraction the page shows (a MutationObserver in the page). */
export async function recordProgress(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __fractions: number[] };
    w.__fractions = [];
    const seen = (el: Element) => {
      const f = Number(el.getAttribute('data-fraction'));
      if (Number.isFinite(f) && w.__fractions[w.__fractions.length - 1] !== f) w.__fractions.push(f);
    };
    new MutationObserver((records) => {
      for (const r of records) {
        if (r.type === 'attributes' && r.target instanceof Element) seen(r.target);
        for (const n of r.addedNodes) {
          if (n instanceof Element)
            for (const el of n.querySelectorAll('[data-testid="job-progress"]')) seen(el);
        }
      }
    }).observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ['data-fraction'],
    });
  });
}

export async function recordedFractions(page: Page): Promise<number[]> {
  return page.evaluate(() => (window as unknown as { __fractions: number[] }).__fractions);
}

/** Per-residue pLDDT of a stored job, read from IndexedDB as the app saved it. */
export async function storedPlddt(page: Page, jobId: string): Promise<number[]> {
  return page.evaluate(
    (id) =>
      new Promise<number[]>((resolve, reject) => {
        const req = indexedDB.open('webfold');
        req.onerror = () => reject(req.error);
        req.onsuccess = () => {
          const get = req.result.transaction('jobs').objectStore('jobs').get(id);
          get.onerror = () => reject(get.error);
          get.onsuccess = () => resolve(Array.from(get.result.result.prediction.plddt as Float32Array));
        };
      }),
    jobId,
  );
}

/** What the Mol* canvas shows: size, luminance variance (0 when blank), drawn and pLDDT-coloured pixels. */
export async function molstarCanvasPixels(page: Page) {
  return page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="molstar"] canvas');
    if (!canvas) return null;
    const c2 = document.createElement('canvas');
    c2.width = canvas.width;
    c2.height = canvas.height;
    const ctx = c2.getContext('2d');
    if (!ctx) return null;
    ctx.drawImage(canvas, 0, 0);
    const d = ctx.getImageData(0, 0, c2.width, c2.height).data;
    let sum = 0;
    let sum2 = 0;
    let blue = 0;
    let orange = 0;
    let yellow = 0;
    let drawn = 0;
    const n = d.length / 4;
    for (let i = 0; i < d.length; i += 4) {
      const [r, g, b] = [d[i], d[i + 1], d[i + 2]];
      const l = (r + g + b) / 3;
      sum += l;
      sum2 += l * l;
      if (Math.abs(r - 255) + Math.abs(g - 255) + Math.abs(b - 255) > 60) drawn++;
      if (b > r + 60 && b > 90) blue++;
      if (r > 150 && r > g + 40 && g > b + 20) orange++;
      if (r > 150 && g > 130 && b < 90) yellow++;
    }
    const mean = sum / n;
    return {
      width: c2.width,
      height: c2.height,
      variance: sum2 / n - mean * mean,
      drawn,
      blue,
      orange,
      yellow,
    };
  });
}
