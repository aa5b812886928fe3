/**
 * Failures must be readable messages, never a blank page: a GPU worker that crashes, and a GPU
 * device that is lost. Both are provoked by rewriting the worker script on its way to the page.
 */
import { expect, type Route, test } from '@playwright/test';

const WORKER_SCRIPT = /\/assets\/gpu\.worker[^/]*\.js$/;

/** Serves the real worker script with `prefix` put in front of it (headers kept). */
async function prependToWorker(route: Route, prefix: string): Promise<void> {
  const response = await route.fetch();
  await route.fulfill({ response, body: `${prefix}\n${await response.text()}` });
}

test('a crashing GPU worker is reported, and "Run self-test again" starts a new one', async ({
  page,
}, testInfo) => {
  await page.route(WORKER_SCRIPT, (route) =>
    prependToWorker(route, 'throw new Error("simulated worker crash (e2e)");'),
  );
  await page.goto('/');
  const panel = page.getByTestId('gpu-panel');
  const alert = panel.getByTestId('worker-error');
  await expect(alert).toBeVisible({ timeout: 60_000 });
  await expect(alert).toContainText('GPU worker');
  await expect(panel.getByTestId('gpu-status')).toHaveAttribute('data-state', 'bad');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(panel.getByTestId('selftest-rerun')).toBeEnabled();
  await page.screenshot({ path: testInfo.outputPath('worker-crash.png'), fullPage: true });

  // With the real script served again, the button starts a new worker and the self-test passes.
  await page.unroute(WORKER_SCRIPT);
  await panel.getByTestId('selftest-rerun').click();
  const selfTest = panel.getByTestId('selftest');
  await expect(selfTest).toHaveAttribute('data-status', 'done', { timeout: 240_000 });
  await expect(selfTest.getByTestId('selftest-overall')).toHaveText('PASS');
  await expect(alert).toHaveCount(0);
  await expect(panel.getByTestId('gpu-status')).toHaveAttribute('data-state', 'good');
});

test('a lost GPU device is reported, and "Run self-test again" recovers with a new device', async ({
  page,
}, testInfo) => {
  // The first device created in the worker reports a loss shortly after it is acquired.
  const loseFirstDevice = `
    {
      const real = Object.getOwnPropertyDescriptor(GPUDevice.prototype, 'lost').get;
      let armed = true;
      Object.defineProperty(GPUDevice.prototype, 'lost', {
        configurable: true,
        get() {
          if (!armed) return real.call(this);
          armed = false;
          return new Promise((resolve) =>
            setTimeout(() => resolve({ reason: 'unknown', message: 'simulated device loss (e2e)' }), 50),
          );
        },
      });
    }`;
  await page.route(WORKER_SCRIPT, (route) => prependToWorker(route, loseFirstDevice));
  await page.goto('/');
  const panel = page.getByTestId('gpu-panel');
  const lost = panel.getByTestId('device-lost');
  await expect(lost).toBeVisible({ timeout: 60_000 });
  await expect(lost).toContainText('simulated device loss (e2e)');
  await expect(panel.getByTestId('gpu-status')).toHaveAttribute('data-state', 'bad');
  await page.screenshot({ path: testInfo.outputPath('device-lost.png'), fullPage: true });

  const selfTest = panel.getByTestId('selftest');
  await expect(selfTest).toHaveAttribute('data-status', /done|failed/, { timeout: 240_000 });
  await selfTest.getByTestId('selftest-rerun').click();
  await expect(selfTest).toHaveAttribute('data-status', 'done', { timeout: 240_000 });
  await expect(selfTest.getByTestId('selftest-overall')).toHaveText('PASS');
  await expect(lost).toHaveCount(0);
  await expect(panel.getByTestId('gpu-status')).toHaveAttribute('data-state', 'good');
});
