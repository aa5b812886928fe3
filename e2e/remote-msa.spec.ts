/**
 * Issue 8, remote MSA (opt-in): against a local server that speaks the ColabFold MMseqs2 API
 * (test/servers/msa-server.ts), the search submits only after the user agrees, shows the queue
 * and search states, yields the expected merged A3M, which is then folded (demo parameters);
 * server errors, maintenance, HTTP failures and rate limits each show a clear message.
 */
import { expect, type Page, test } from '@playwright/test';
import { expectedHits, type MsaServer, startMsaServer } from '../test/servers/msa-server.ts';
import { collectErrors, openApp } from './fold-helpers.ts';

const PORT = Number(process.env.WEBFOLD_MSA_SERVER_PORT ?? 4292);
const SEQ = 'MKTAYIAKQRQISFVKSHFSRQLEERLGLIEV'; // 32 residues
let server: MsaServer;

test.beforeAll(async () => {
  server = await startMsaServer(PORT);
});
test.afterAll(() => server?.close());
test.beforeEach(() => server.reset());

function expectedA3m(name: string): string {
  const h = expectedHits(SEQ);
  return `>${name}\n${SEQ}\n${[...h.uniref, ...h.env].map(([d, s]) => `>${d}\n${s}\n`).join('')}`;
}

/** The saved job's input as the app stored it in IndexedDB. */
async function storedJobInput(page: Page): Promise<{ a3m?: string; a3mName?: string }> {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const req = indexedDB.open('webfold');
        req.onerror = () => reject(req.error);
        req.onsuccess = () => {
          const all = req.result.transaction('jobs').objectStore('jobs').getAll();
          all.onerror = () => reject(all.error);
          all.onsuccess = () => resolve(all.result[0].input);
        };
      }),
  );
}

async function prepare(page: Page) {
  await openApp(page);
  await page.getByTestId('sequence-input').fill(`>demo_protein test\n${SEQ}\n`);
  await page.getByTestId('remote-msa').locator('summary').click();
  await page.getByTestId('remote-msa-server').fill(server.url);
}

test('opt in, search on the local ColabFold server, get the expected A3M and fold it', async ({
  page,
}, testInfo) => {
  const errors = collectErrors(page);
  server.switches.runningPolls = 2;
  await prepare(page);
  const notice = page.getByTestId('remote-msa-notice');
  await expect(notice).toContainText('Your sequence leaves this device in this mode.');
  // Nothing is sent before the user agrees.
  await expect(page.getByTestId('remote-msa-search')).toBeDisabled();
  await page.getByTestId('remote-msa-optin').check();
  await page.getByTestId('remote-msa-search').click();

  const status = page.getByTestId('remote-msa-status');
  await expect(status).toHaveAttribute('data-state', 'running', { timeout: 60_000 });
  await expect(status).toContainText(/Searching \(ticket ticket-\d+, \d+ s so far\)/);
  const done = page.getByTestId('remote-msa-done');
  await expect(done).toContainText(`✓ 6 sequences from ${server.url}`, { timeout: 120_000 });
  await page.screenshot({ path: `${testInfo.outputDir}/remote-msa-done.png`, fullPage: true });

  // The protocol: one submission with ColabFold's form fields, polls, one download.
  const submit = server.requests.filter((r) => r.path === '/ticket/msa');
  expect(submit).toHaveLength(1);
  expect(submit[0].form).toEqual({ q: `>101\n${SEQ}\n`, mode: 'env' });
  const polls = server.requests.filter((r) => /^\/ticket\/ticket-/.test(r.path));
  expect(polls.map((p) => (p.answer as { status: string }).status)).toEqual([
    'RUNNING',
    'RUNNING',
    'COMPLETE',
  ]);
  expect(server.requests.filter((r) => r.path.startsWith('/result/download/'))).toHaveLength(1);

  await expect(page.getByTestId('alignment-info')).toContainText(
    'mmseqs2-env.a3m: 6 sequences, query of 32 residues',
  );
  await expect(page.getByTestId('mode-msa')).toContainText('6 aligned sequences');

  await page.getByTestId('fold-button').click();
  const job = page.getByTestId('job').first();
  await expect(job.getByTestId('job-name')).toHaveText('demo_protein');
  await expect(job).toHaveAttribute('data-status', /done|failed/, { timeout: 300_000 });
  await expect(job.getByTestId('job-error')).toHaveCount(0);
  await expect(page.getByTestId('result-residues')).toHaveText(String(SEQ.length));
  const input = await storedJobInput(page);
  expect(input.a3m).toBe(expectedA3m('demo_protein test'));
  await page.screenshot({ path: `${testInfo.outputDir}/remote-msa-folded.png`, fullPage: true });
  expect(errors).toEqual([]);
});

test('server errors, maintenance, HTTP failures and rate limits show clear messages', async ({
  page,
}, testInfo) => {
  await prepare(page);
  await page.getByTestId('remote-msa-optin').check();
  const search = page.getByTestId('remote-msa-search');
  const error = page.getByTestId('remote-msa-error');

  server.switches.submitStatus = 'ERROR';
  await search.click();
  await expect(error).toContainText(
    `the MSA server at ${server.url} reported an error (status ERROR) for this sequence`,
  );

  server.switches.submitStatus = 'MAINTENANCE';
  await search.click();
  await expect(error).toContainText(
    `the MSA server at ${server.url} is under maintenance (status MAINTENANCE)`,
  );

  server.switches.submitStatus = undefined;
  server.switches.submitHttpStatus = 502;
  await search.click();
  await expect(error).toContainText('answered the submission with HTTP 502 and no JSON ("502 Bad Gateway")');
  await page.screenshot({ path: `${testInfo.outputDir}/remote-msa-http-error.png`, fullPage: true });

  server.switches.submitHttpStatus = undefined;
  server.switches.jobError = true;
  await search.click();
  await expect(error).toContainText('reported an error (status ERROR)');
  expect(server.requests.some((r) => r.path.startsWith('/result/download/'))).toBe(false);

  // A rate limit is waited out (the wait is shown), then the search goes through.
  server.switches.jobError = false;
  server.switches.rateLimit = 1;
  await search.click();
  const status = page.getByTestId('remote-msa-status');
  await expect(status).toContainText(
    /The server is rate-limiting requests \(RATELIMIT\); retrying in \d+ s \(attempt 1 refused\)/,
  );
  await page.screenshot({ path: `${testInfo.outputDir}/remote-msa-ratelimit.png`, fullPage: true });
  await expect(page.getByTestId('remote-msa-done')).toContainText('✓ 6 sequences', { timeout: 120_000 });
  expect(
    server.requests
      .filter((r) => r.path === '/ticket/msa')
      .map((r) => (typeof r.answer === 'number' ? r.answer : (r.answer as { status: string }).status)),
  ).toEqual(['ERROR', 'MAINTENANCE', 502, 'PENDING', 'RATELIMIT', 'PENDING']);

  // An unreachable server names itself; a running search can be cancelled.
  await page.getByTestId('remote-msa-server').fill('http://127.0.0.1:9');
  await search.click();
  await expect(error).toContainText('could not reach the MSA server at http://127.0.0.1:9');
  await page.getByTestId('remote-msa-server').fill(server.url);
  server.switches.runningPolls = 1_000_000;
  await search.click();
  await expect(page.getByTestId('remote-msa-status')).toHaveAttribute('data-state', /queued|running/);
  await page.getByTestId('remote-msa-cancel').click();
  await expect(page.getByTestId('remote-msa-cancelled')).toHaveText('MSA search cancelled.');
});
