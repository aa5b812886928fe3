/** The ColabFold MMseqs2 API client against the local protocol server (test/servers/msa-server.ts). */
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectedHits, type MsaServer, startMsaServer } from '../../../test/servers/msa-server.ts';
import { writeTar } from '../../../test/servers/tar-write.ts';
import { parseA3m } from '../features/a3m.ts';
import { untarGz } from './archive.ts';
import { normalizeHost, normalizeQuery, type RemoteMsaState, searchMsa } from './client.ts';
import { blockFor, mergeA3m } from './merge.ts';

const SEQ = 'MKTAYIAKQRQISFVKSHFSRQLEERLGLIEV';
const fast = { pollMs: 1, jitterMs: 0, backoffMs: 1 };
let server: MsaServer;

beforeAll(async () => {
  server = await startMsaServer();
});
afterAll(() => server.close());
afterEach(() => server.reset());

function expectedA3m(query: string, name: string, env = true): string {
  const hits = expectedHits(query);
  const rows = env ? [...hits.uniref, ...hits.env] : hits.uniref;
  return `>${name}\n${query}\n${rows.map(([h, s]) => `>${h}\n${s}\n`).join('')}`;
}

describe('searchMsa against the local ColabFold protocol server', () => {
  it('submits, polls through PENDING/RUNNING, downloads and merges the env A3Ms', async () => {
    server.switches.runningPolls = 3;
    const states: RemoteMsaState[] = [];
    const r = await searchMsa(SEQ.toLowerCase(), {
      host: `${server.url}/`,
      queryName: 'demo',
      onState: (s) => states.push(s),
      ...fast,
    });
    expect(r.a3m).toBe(expectedA3m(SEQ, 'demo'));
    expect(r.rows).toBe(6);
    expect(r.files).toEqual(['uniref.a3m', 'bfd.mgnify30.metaeuk30.smag30.a3m', 'pdb70.m8']);
    // The protocol as ColabFold speaks it.
    const submit = server.requests[0];
    expect(submit).toMatchObject({
      method: 'POST',
      path: '/ticket/msa',
      form: { q: `>101\n${SEQ}\n`, mode: 'env' },
    });
    const polls = server.requests.filter((q) => q.path === `/ticket/${r.ticket}`);
    expect(polls.map((p) => (p.answer as { status: string }).status)).toEqual([
      'RUNNING',
      'RUNNING',
      'RUNNING',
      'COMPLETE',
    ]);
    expect(server.requests.at(-1)?.path).toBe(`/result/download/${r.ticket}`);
    expect(states.map((s) => s.state)).toEqual([
      'submitting',
      'queued',
      'running',
      'running',
      'running',
      'downloading',
      'unpacking',
    ]);
    // What it returns parses as an alignment whose query is the sequence.
    const msa = parseA3m(r.a3m);
    expect(msa.sequences[0]).toBe(SEQ);
    expect(msa.sequences.every((s) => s.length === SEQ.length)).toBe(true);
  });

  it("mode 'all' has only the UniRef file", async () => {
    const r = await searchMsa(SEQ, { host: server.url, mode: 'all', ...fast });
    expect(r.a3m).toBe(expectedA3m(SEQ, '101', false));
  });

  it('waits out RATELIMIT with a growing backoff, then succeeds', async () => {
    server.switches.rateLimit = 2;
    const states: RemoteMsaState[] = [];
    const r = await searchMsa(SEQ, {
      host: server.url,
      onState: (s) => states.push(s),
      pollMs: 1,
      jitterMs: 0,
      backoffMs: 2,
    });
    expect(r.rows).toBe(6);
    const waits = states.filter((s) => s.state === 'rate-limited');
    expect(waits.map((w) => w.state === 'rate-limited' && [w.attempt, w.retryInMs, w.reason])).toEqual([
      [1, 2, 'RATELIMIT'],
      [2, 4, 'RATELIMIT'],
    ]);
    expect(server.requests.filter((q) => q.path === '/ticket/msa')).toHaveLength(3);
  });

  it('honours HTTP 429 with Retry-After', async () => {
    server.switches.http429 = 1;
    const states: RemoteMsaState[] = [];
    const r = await searchMsa(SEQ, { host: server.url, onState: (s) => states.push(s), ...fast });
    expect(r.rows).toBe(6);
    expect(states.find((s) => s.state === 'rate-limited')).toEqual({
      state: 'rate-limited',
      attempt: 1,
      retryInMs: 1000,
      reason: 'HTTP 429',
    });
  });

  it('gives up on a ticket the server keeps calling UNKNOWN', async () => {
    server.switches.forgetTickets = true;
    await expect(searchMsa(SEQ, { host: server.url, ...fast, maxUnknownPolls: 3 })).rejects.toMatchObject({
      code: 'lost-ticket',
      message: expect.stringMatching(
        /no longer knows ticket ticket-\d+ \(status UNKNOWN 3 times\); search again/,
      ),
    });
    const polls = server.requests.filter((q) => /^\/ticket\/ticket-/.test(q.path));
    expect(polls.map((p) => (p.answer as { status: string }).status)).toEqual([
      'UNKNOWN',
      'UNKNOWN',
      'UNKNOWN',
    ]);
  });

  it('gives up on a persistent rate limit with a clear message', async () => {
    server.switches.rateLimit = 100;
    await expect(searchMsa(SEQ, { host: server.url, ...fast, maxSubmits: 3 })).rejects.toMatchObject({
      code: 'rate-limited',
      message: expect.stringMatching(/rate-limiting requests from this address \(3 submissions refused/),
    });
  });

  it('reports ERROR and MAINTENANCE on submission, and ERROR of the job', async () => {
    server.switches.submitStatus = 'ERROR';
    await expect(searchMsa(SEQ, { host: server.url, ...fast })).rejects.toMatchObject({
      code: 'server-error',
      message: expect.stringMatching(/reported an error \(status ERROR\)/),
    });
    server.switches.submitStatus = 'MAINTENANCE';
    await expect(searchMsa(SEQ, { host: server.url, ...fast })).rejects.toMatchObject({
      code: 'maintenance',
      message: expect.stringMatching(/under maintenance/),
    });
    server.switches.submitStatus = undefined;
    server.switches.jobError = true;
    await expect(searchMsa(SEQ, { host: server.url, ...fast })).rejects.toMatchObject({
      code: 'server-error',
    });
    expect(server.requests.some((q) => q.path.startsWith('/result/download/'))).toBe(false);
  });

  it('names the HTTP status when the server answers without JSON', async () => {
    server.switches.submitHttpStatus = 502;
    await expect(searchMsa(SEQ, { host: server.url, ...fast })).rejects.toMatchObject({
      code: 'http',
      message: expect.stringMatching(/HTTP 502 and no JSON \("502 Bad Gateway"\)/),
    });
  });

  it('says when the server cannot be reached', async () => {
    await expect(searchMsa(SEQ, { host: 'http://127.0.0.1:9', ...fast })).rejects.toMatchObject({
      code: 'network',
      message: expect.stringMatching(/could not reach the MSA server at http:\/\/127.0.0.1:9/),
    });
  });

  it('stops at once when cancelled while polling, and sends nothing more', async () => {
    server.switches.runningPolls = 1_000_000;
    const ac = new AbortController();
    const p = searchMsa(SEQ, {
      host: server.url,
      signal: ac.signal,
      pollMs: 10,
      jitterMs: 0,
      onState: (s) => {
        if (s.state === 'running') ac.abort(new Error('cancelled by the user'));
      },
    });
    await expect(p).rejects.toMatchObject({ name: 'CancelledError', message: 'cancelled by the user' });
    const n = server.requests.length;
    await new Promise((r) => setTimeout(r, 50));
    expect(server.requests.length).toBe(n);
  });

  it('refuses a bad sequence or server URL before sending anything', async () => {
    await expect(searchMsa('MKT1A', { host: server.url })).rejects.toThrow(/'1' at position 4/);
    expect(() => normalizeHost('ftp://x')).toThrow(/not an http\(s\) URL/);
    expect(() => normalizeHost('api.colabfold')).toThrow(/is not a URL/);
    expect(normalizeQuery(' mk ta\n')).toBe('MKTA');
    expect(server.requests).toHaveLength(0);
  });
});

describe('result archive and merging', () => {
  it('unpacks a .tar.gz and refuses what is not one', async () => {
    const files = await untarGz(
      gzipSync(
        writeTar([
          { name: 'out/uniref.a3m', data: '>101\nMK\n' },
          { name: 'pdb70.m8', data: 'x' },
        ]),
      ),
    );
    expect([...files.keys()]).toEqual(['uniref.a3m', 'pdb70.m8']);
    expect(new TextDecoder().decode(files.get('uniref.a3m'))).toBe('>101\nMK\n');
    await expect(untarGz(new TextEncoder().encode('{"status":"ERROR"}'))).rejects.toThrow(
      /not a \.tar\.gz \(it starts with "\{"status":"ERROR"\}"\)/,
    );
    await expect(untarGz(gzipSync(writeTar([{ name: 'a', data: 'b' }])).subarray(0, 30))).rejects.toThrow(
      /damaged \.tar\.gz/,
    );
  });

  it('picks the block of one query out of NUL-separated blocks', () => {
    const text = '>101\nMKT\n>h1\nMRT\n\0>102\nAAA\n>h2\nAAC\n\0';
    expect(blockFor(text, 102)).toEqual({ queryHeader: '>102', query: 'AAA', rest: '>h2\nAAC\n' });
    expect(blockFor(text, 103)).toBeUndefined();
  });

  it('writes the query once, UniRef hits before environmental ones', () => {
    const files = new Map([
      ['bfd.mgnify30.metaeuk30.smag30.a3m', '>101\nMKT\n>env\nMK-\n\0'],
      ['uniref.a3m', '>101\nMKT\n>uni\nMRT\n\0'],
    ]);
    expect(mergeA3m(files, 101, 'q1')).toBe('>q1\nMKT\n>uni\nMRT\n>env\nMK-\n');
    expect(() => mergeA3m(new Map([['pdb70.m8', '']]))).toThrow(
      /no alignment for query 101 \(it holds pdb70.m8\)/,
    );
    expect(() =>
      mergeA3m(
        new Map([
          ['uniref.a3m', '>101\nMKT\n'],
          ['bfd.mgnify30.metaeuk30.smag30.a3m', '>101\nMKTA\n'],
        ]),
      ),
    ).toThrow(/another query/);
  });
});
