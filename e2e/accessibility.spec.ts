/**
 * The app at laptop widths and from the keyboard (issue 6: "accessible and keyboard-friendly;
 * works at laptop widths"): no horizontal scrolling at 1024 and 1280 px, every visible control
 * has an accessible name, and a fold can be started with the keyboard alone (type the sequence,
 * Tab to the Fold button, Enter).
 */
import { expect, type Page, test } from '@playwright/test';
import { collectErrors, openApp } from './fold-helpers.ts';

/** Visible controls without an accessible name (label, aria-label(ledby), text or title). */
async function unnamedControls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const controls = document.querySelectorAll<HTMLElement>(
      'button, input:not([type=hidden]), select, textarea, a[href], [role=button], [role=tab]',
    );
    for (const el of controls) {
      const box = el.getBoundingClientRect();
      const hidden = box.width === 0 || box.height === 0 || getComputedStyle(el).visibility === 'hidden';
      if (hidden) continue;
      const labelled = (el.getAttribute('aria-labelledby') ?? '')
        .split(/\s+/)
        .some((id) => id && document.getElementById(id)?.textContent?.trim());
      const labels = (el as HTMLInputElement).labels;
      const name =
        el.getAttribute('aria-label')?.trim() ||
        labelled ||
        (labels && [...labels].some((l) => l.textContent?.trim())) ||
        (el.tagName !== 'INPUT' && el.textContent?.trim()) ||
        el.getAttribute('title')?.trim() ||
        ((el as HTMLInputElement).type === 'submit' && (el as HTMLInputElement).value);
      if (!name) out.push(el.outerHTML.slice(0, 160));
    }
    return out;
  });
}

for (const width of [1024, 1280]) {
  test(`at ${width} px wide: no horizontal scrolling and every control has a name`, async ({ page }) => {
    const errors = collectErrors(page);
    await page.setViewportSize({ width, height: 800 });
    await openApp(page);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow, 'horizontal overflow in px').toBeLessThanOrEqual(0);
    expect(await unnamedControls(page)).toEqual([]);
    expect(errors).toEqual([]);
  });
}

test('a fold is started from the keyboard alone', async ({ page }) => {
  const errors = collectErrors(page);
  await page.setViewportSize({ width: 1280, height: 800 });
  await openApp(page);
  await page.getByTestId('sequence-input').focus();
  await page.keyboard.type('>kbd\nMKTAYIAKQRQISFVKSHFSRQ');
  const fold = page.getByTestId('fold-button');
  await expect(fold).toBeEnabled();
  let reached = false;
  for (let i = 0; i < 40 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await fold.evaluate((el) => el === document.activeElement);
  }
  expect(reached, 'Tab reaches the Fold button').toBe(true);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('job').first()).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('job').first()).toHaveAttribute('data-status', /queued|running|done/);
  expect(errors).toEqual([]);
});
