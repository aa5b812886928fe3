/**
 * A local server that speaks the ColabFold MMseqs2 API (as `run_mmseqs2` in ColabFold's
 * colabfold.py uses it), for the remote-MSA tests:
 *
 *   POST /ticket/msa   form fields q (">101\nSEQ\n") and mode (env, all, env-nofilter, nofilter)
 *                      → {"id", "status"}; status RATELIMIT / ERROR / MAINTENANCE by switch
 *   GET  /ticket/{id}  → {"id", "status"}: PENDING, then RUNNING `runningPolls` times, then
 *                      COMPLETE (or ERROR with `jobError`); UNKNOWN for ids it never issued
 *   GET  /result/download/{id}  → a .tar.gz holding uniref.a3m (and, in env modes,
 *                      bfd.mgnify30.metaeuk30.smag30.a3m) and pdb70.m8, each A3M starting with
 *                      the query under ">101" and ending with a NUL, as the real server writes
 *
 * The "hits" are made from the submitted sequence (point mutations, a deletion, an insertion),
 * deterministically, so a test can compute the A3M it should get back (`expectedHits`).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import type { TicketStatus } from '../../src/model/msa-remote/client.ts';
import { CORS_HEADERS, handlePreflight, readBody, sendJson } from './cors.ts';
import { writeTar } from './tar-write.ts';

export interface MsaSwitches {
  /** this many next submissions are answered RATELIMIT */
  rateLimit: number;
  /** every submission is answered with this status (no ticket) */
  submitStatus?: 'ERROR' | 'MAINTENANCE';
  /** every submission is answered with this HTTP status and a non-JSON body */
  submitHttpStatus?: number;
  /** polls answered RUNNING before COMPLETE */
  runningPolls: number;
  /** the job ends in ERROR instead of COMPLETE */
  jobError: boolean;
  /** this many next submissions are answered HTTP 429 with Retry-After: 1 */
  http429: number;
  /** polls answer UNKNOWN, as when the server lost the ticket */
  forgetTickets: boolean;
}

export interface MsaRequest {
  method: string;
  path: string;
  /** form fields of a submission */
  form?: Record<string, string>;
  answer?: unknown;
}

export interface MsaServer {
  url: string;
  switches: MsaSwitches;
  requests: MsaRequest[];
  /** Back to the switches the server started with; the request log emptied (between tests). */
  reset(): void;
  close(): Promise<void>;
}

const AMINO = 'ACDEFGHIKLMNPQRSTVWY';

/** The aligned hit rows (A3M: uppercase = match, '-' = deletion, lowercase = insertion) per file. */
export function expectedHits(query: string): { uniref: string[][]; env: string[][] } {
  const swap = (s: string, i: number) => {
    const at = i % s.length;
    const c = AMINO[(AMINO.indexOf(s[at]) + 7) % AMINO.length];
    return s.slice(0, at) + c + s.slice(at + 1);
  };
  const gapped = (s: string) => {
    const a = Math.floor(s.length / 3);
    return s.slice(0, a) + '-'.repeat(Math.min(3, s.length - a)) + s.slice(a + 3);
  };
  const inserted = (s: string) => {
    const a = Math.floor(s.length / 2);
    return `${s.slice(0, a)}gs${s.slice(a)}`;
  };
  return {
    uniref: [
      ['UniRef100_A0A0T1 hit one', swap(query, 3)],
      ['UniRef100_A0A0T2 hit two', gapped(swap(query, 11))],
      ['UniRef100_A0A0T3 hit three', inserted(swap(query, 5))],
    ],
    env: [
      ['MGYP000000000001 env hit', swap(swap(query, 2), 17)],
      ['SRR000000_1 env hit two', gapped(query)],
    ],
  };
}

function a3mFile(query: string, hits: string[][]): string {
  return `>101\n${query}\n${hits.map(([h, s]) => `>${h}\n${s}\n`).join('')}\0`;
}

export async function startMsaServer(port = 0, initial: Partial<MsaSwitches> = {}): Promise<MsaServer> {
  const start: MsaSwitches = {
    rateLimit: 0,
    runningPolls: 1,
    jobError: false,
    http429: 0,
    forgetTickets: false,
    ...initial,
  };
  const switches: MsaSwitches = { ...start };
  const requests: MsaRequest[] = [];
  const tickets = new Map<string, { query: string; mode: string; polls: number }>();
  let next = 1;

  const server: Server = createServer(async (req, res) => {
    if (handlePreflight(req, res)) return;
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const entry: MsaRequest = { method: req.method ?? 'GET', path };
    requests.push(entry);
    const json = (body: unknown, status = 200) => {
      entry.answer = body;
      sendJson(res, status, body);
    };

    if (req.method === 'POST' && path === '/ticket/msa') {
      const form = Object.fromEntries(new URLSearchParams(await readBody(req)));
      entry.form = form;
      if (switches.submitHttpStatus !== undefined) {
        entry.answer = switches.submitHttpStatus;
        res.writeHead(switches.submitHttpStatus, { ...CORS_HEADERS, 'Content-Type': 'text/html' });
        res.end('<html><body>502 Bad Gateway</body></html>');
        return;
      }
      if (switches.http429 > 0) {
        switches.http429--;
        entry.answer = 429;
        res.writeHead(429, { ...CORS_HEADERS, 'Content-Type': 'text/plain', 'Retry-After': '1' });
        res.end('Too Many Requests');
        return;
      }
      if (switches.rateLimit > 0) {
        switches.rateLimit--;
        return json({ status: 'RATELIMIT' });
      }
      if (switches.submitStatus) return json({ status: switches.submitStatus });
      const m = /^>101\n([A-Z]+)\n$/.exec(form.q ?? '');
      const modes = ['env', 'all', 'env-nofilter', 'nofilter'];
      if (!m || !modes.includes(form.mode ?? '')) return json({ status: 'ERROR' });
      const id = `ticket-${next++}`;
      tickets.set(id, { query: m[1], mode: form.mode, polls: 0 });
      return json({ id, status: 'PENDING' });
    }

    const ticket = /^\/ticket\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && ticket) {
      const t = tickets.get(ticket[1]);
      if (!t || switches.forgetTickets) return json({ id: ticket[1], status: 'UNKNOWN' });
      t.polls++;
      const status: TicketStatus =
        t.polls <= switches.runningPolls ? 'RUNNING' : switches.jobError ? 'ERROR' : 'COMPLETE';
      return json({ id: ticket[1], status });
    }

    const download = /^\/result\/download\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && download) {
      const t = tickets.get(download[1]);
      if (!t) {
        res.writeHead(404, CORS_HEADERS);
        res.end();
        return;
      }
      const hits = expectedHits(t.query);
      const files = [{ name: 'uniref.a3m', data: a3mFile(t.query, hits.uniref) }];
      if (t.mode.startsWith('env')) {
        files.push({ name: 'bfd.mgnify30.metaeuk30.smag30.a3m', data: a3mFile(t.query, hits.env) });
      }
      files.push({ name: 'pdb70.m8', data: '101\t1abc_A\t0.9\t30\t0\t0\t1\t30\t1\t30\t1e-10\t100\n' });
      const body = gzipSync(writeTar(files));
      entry.answer = `${body.length} bytes`;
      res.writeHead(200, {
        ...CORS_HEADERS,
        'Content-Type': 'application/octet-stream',
        'Content-Length': body.length,
      });
      res.end(body);
      return;
    }

    res.writeHead(404, { ...CORS_HEADERS, 'Content-Type': 'text/plain' });
    res.end('not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    switches,
    requests,
    reset: () => {
      for (const k of Object.keys(switches) as (keyof MsaSwitches)[]) delete switches[k];
      Object.assign(switches, start);
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
