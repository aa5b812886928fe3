/**
 * Issue 7 (DAP) transports in a real browser: dedicated module workers exchanging through a
 * SharedArrayBuffer (the page is cross-origin isolated), and two tabs of one origin joined by
 * BroadcastChannel with Chromium's own Web Locks — including a tab closed mid-exchange, which
 * the other tab must report naming its rank. The modules are served as they are by a Vite dev
 * server of this spec's own (port WEBFOLD_E2E_PORT + 1) with the isolation headers.
 */
import { expect, type Page, test } from '@playwright/test';
import { createServer, type ViteDevServer } from 'vite';
import { ISOLATION_HEADERS } from '../src/sw/isolation.ts';

const PORT = Number(process.env.WEBFOLD_E2E_PORT ?? 4173) + 1;
const BASE = `http://127.0.0.1:${PORT}`;
let server: ViteDevServer;

test.beforeAll(async () => {
  server = await createServer({
    configFile: false,
    root: process.cwd(),
    appType: 'custom',
    logLevel: 'warn',
    server: { host: '127.0.0.1', port: PORT, strictPort: true, headers: { ...ISOLATION_HEADERS } },
    plugins: [
      {
        name: 'dap-blank-page',
        configureServer(s) {
          s.middlewares.use('/dap-blank', (_req, res) => {
            for (const [k, v] of Object.entries(ISOLATION_HEADERS)) res.setHeader(k, v);
            res.setHeader('Content-Type', 'text/html');
            res.end('<!doctype html><title>dap</title>');
          });
        },
      },
    ],
  });
  await server.listen();
});

test.afterAll(async () => {
  await server?.close();
});

async function blank(page: Page): Promise<void> {
  await page.goto(`${BASE}/dap-blank`);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
}

interface RankResult {
  ok: boolean;
  recv?: number[];
  gathered?: number[];
  message?: string;
  rank?: number;
}

function runWorkers(page: Page, P: number, scenario: 'exchange' | 'throw') {
  return page.evaluate(
    async ({ P, scenario }) => {
      const host = '/src/dap/collectives/worker-host.ts';
      const { startWorkerRanks } = await import(/* @vite-ignore */ host);
      const gone: string[] = [];
      const results = Array.from({ length: P }, () => null as unknown);
      const ranks = startWorkerRanks(
        P,
        () => new Worker('/src/dap/collectives/browser-rank.fixture.ts', { type: 'module' }),
        () => ({ blockBytes: 100_000, scenario }),
        4096,
        (rank: number, why: string) => gone.push(`${rank}: ${why}`),
      );
      const expected = scenario === 'throw' ? P - 1 : P;
      await new Promise<void>((resolve) => {
        let n = 0;
        ranks.workers.forEach((w: Worker, r: number) => {
          w.addEventListener('message', (ev: MessageEvent) => {
            results[r] = ev.data;
            if (++n === expected) resolve();
          });
        });
      });
      ranks.terminateAll();
      return { results: results as unknown[], gone };
    },
    { P, scenario },
  );
}

test('three dedicated workers exchange through SharedArrayBuffer rings (blocks 24× the ring)', async ({
  page,
}) => {
  await blank(page);
  const P = 3;
  const { results } = await runWorkers(page, P, 'exchange');
  results.forEach((res, r) => {
    const x = res as RankResult;
    expect(x.ok, x.message).toBe(true);
    // Block from rank k to rank r is 100 000 bytes of (16k + r) & 255.
    expect(x.recv).toEqual([0, 1, 2].map((k) => 100_000 * ((16 * k + r) & 255)));
    expect(x.gathered).toEqual([100, 101, 102]);
  });
});

test('a worker that throws ends the others with an error naming its rank', async ({ page }) => {
  await blank(page);
  const P = 3;
  const { results, gone } = await runWorkers(page, P, 'throw');
  expect(gone[0]).toMatch(/^2: worker error/);
  for (const res of results.slice(0, P - 1)) {
    const x = res as RankResult;
    expect(x.ok).toBe(false);
    expect(x.rank).toBe(2);
    expect(x.message).toMatch(/rank 2 \(worker\) is gone/);
  }
});

async function joinTab(page: Page, job: string) {
  return page.evaluate(async (job) => {
    const mod = '/src/dap/collectives/tabs.ts';
    const { joinTabGroup, browserTabEnvironment } = await import(/* @vite-ignore */ mod);
    const coll = await joinTabGroup(browserTabEnvironment(), { job, size: 2, timeoutMs: 600_000 });
    (window as unknown as { coll: unknown }).coll = coll;
    return coll.rank as number;
  }, job);
}

test('two tabs join by link, exchange, and closing one ends the other with a message naming it', async ({
  context,
}) => {
  const a = await context.newPage();
  const b = await context.newPage();
  await blank(a);
  await blank(b);
  const ranks = await Promise.all([joinTab(a, 'e2e-job'), joinTab(b, 'e2e-job')]);
  expect([...ranks].sort()).toEqual([0, 1]);
  const exchange = (p: Page) =>
    p.evaluate(async () => {
      const c = (
        window as unknown as { coll: { rank: number; allToAll(b: Uint8Array[]): Promise<Uint8Array[]> } }
      ).coll;
      const got = await c.allToAll([
        new Uint8Array(50_000).fill(c.rank + 1),
        new Uint8Array(7).fill(c.rank + 3),
      ]);
      return got.map((x) => [x.length, x[0]]);
    });
  const [ea, eb] = await Promise.all([exchange(a), exchange(b)]);
  const [r0, r1] = ranks[0] === 0 ? [ea, eb] : [eb, ea];
  expect(r0).toEqual([
    [50_000, 1],
    [50_000, 2],
  ]);
  expect(r1).toEqual([
    [7, 3],
    [7, 4],
  ]);
  // Tab a waits in an all-gather; tab b is closed (no goodbye: the browser releases its locks).
  const pending = a.evaluate(async () => {
    const c = (window as unknown as { coll: { allGather(b: Uint8Array): Promise<Uint8Array[]> } }).coll;
    (window as unknown as { waiting: boolean }).waiting = true;
    try {
      await c.allGather(new Uint8Array([1]));
      return { ok: true, message: '' };
    } catch (e) {
      return { ok: false, message: (e as Error).message };
    }
  });
  await a.waitForFunction(() => (window as unknown as { waiting?: boolean }).waiting === true);
  const rankB = ranks[1];
  await b.close();
  const res = await pending;
  expect(res.ok).toBe(false);
  expect(res.message).toContain(`rank ${rankB} (tab) is gone (its tab was closed or crashed)`);
});
