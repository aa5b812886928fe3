/** Shared steps of the fold e2e specs: error collection and driving the input panel. */
import { expect, type Page } from '@playwright/test';

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
