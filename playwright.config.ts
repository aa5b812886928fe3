/**
 * End-to-end tests: the built app (vite preview, with the COOP/COEP headers) in Debian's headless
 * Chromium with WebGPU on SwiftShader. Playwright never downloads a browser here: the system
 * Chromium is used through `executablePath` (e2e/chromium.ts; override with WEBFOLD_CHROMIUM).
 */
import { defineConfig } from '@playwright/test';
import { chromiumPath, WEBGPU_ARGS } from './e2e/chromium.ts';

// WEBFOLD_E2E_PORT lets two runs (say, a local one and a CI-like clone) share a machine.
const PORT = Number(process.env.WEBFOLD_E2E_PORT ?? 4173);
const BASE_URL = `http://127.0.0.1:${PORT}`;

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  // A folder of its own: Playwright empties outputDir at start, and `npm test` keeps other
  // reports (vitest.json, e2e.json) in test-results/.
  outputDir: 'test-results/e2e',
  // SwiftShader runs WebGPU on the CPU: kernels that take milliseconds on a GPU take seconds.
  timeout: 420_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: Boolean(process.env.CI),
  reporter: 'list',
  use: {
    baseURL: BASE_URL,
    headless: true,
    viewport: { width: 1200, height: 900 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'chromium-webgpu',
      use: {
        browserName: 'chromium',
        launchOptions: { executablePath: chromiumPath(), args: WEBGPU_ARGS },
      },
    },
  ],
  webServer: {
    command: `npx vite build && npx vite preview --host 127.0.0.1 --port ${PORT} --strictPort`,
    url: BASE_URL,
    reuseExistingServer: !process.env.CI,
    timeout: 300_000,
    stdout: 'pipe',
    stderr: 'pipe',
  },
});
