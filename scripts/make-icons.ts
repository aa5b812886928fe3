/**
 * Renders the PWA's PNG icons from their SVG sources in public/icons with the system Chromium
 * (headless), so every icon comes from one drawing. Run after editing an SVG:
 *
 *   node --import ./scripts/register.mjs scripts/make-icons.ts
 */
import { readFile } from 'node:fs/promises';
import { chromium } from 'playwright-core';
import { chromiumPath } from '../e2e/chromium.ts';

const ICONS: [svg: string, png: string, size: number][] = [
  ['icon.svg', 'icon-192.png', 192],
  ['icon.svg', 'icon-512.png', 512],
  ['maskable.svg', 'maskable-512.png', 512],
  ['icon.svg', 'apple-touch-icon-180.png', 180],
];

const browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox'] });
try {
  for (const [svg, png, size] of ICONS) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    const source = await readFile(`public/icons/${svg}`, 'utf8');
    const url = `data:image/svg+xml;base64,${Buffer.from(source).toString('base64')}`;
    await page.setContent(
      `<style>html,body{margin:0;background:transparent}</style><img src="${url}" width="${size}" height="${size}">`,
    );
    await page.locator('img').screenshot({ path: `public/icons/${png}`, omitBackground: true });
    await page.close();
    console.log(`public/icons/${png} (${size}×${size}) from ${svg}`);
  }
} finally {
  await browser.close();
}
