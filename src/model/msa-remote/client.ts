/**
 * A client for the ColabFold MMseqs2 API (the protocol of ColabFold's `run_mmseqs2`):
 *
 *   POST {host}/ticket/msa          form q=">101\nSEQ\n", mode=env|all|env-nofilter|nofilter
 *                                   → {"id", "status"}
 *   GET  {host}/ticket/{id}         → {"id", "status"}, polled while PENDING/RUNNING/UNKNOWN
 *   GET  {host}/result/download/{id} → .tar.gz of A3M files (merged in ./merge.ts)
 *
 * Statuses: PENDING, RUNNING, COMPLETE, ERROR, RATELIMIT, MAINTENANCE, UNKNOWN. A submission
 * answered RATELIMIT or UNKNOWN is retried after a backoff (as ColabFold does, with a growing
 * wait and a cap on attempts here); ERROR and MAINTENANCE end the search with a message.
 * Every wait is cancellable through the AbortSignal. Nothing here knows about the app.
 */
import { untarGz } from './archive.ts';
import { RemoteMsaError } from './errors.ts';
import { mergeA3m } from './merge.ts';

export const DEFAULT_MSA_SERVER = 'https://api.colabfold.com';

export type MsaMode = 'env' | 'all' | 'env-nofilter' | 'nofilter';

export type TicketStatus =
  | 'PENDING'
  | 'RUNNING'
  | 'COMPLETE'
  | 'ERROR'
  | 'RATELIMIT'
  | 'MAINTENANCE'
  | 'UNKNOWN';

export interface Ticket {
  id?: string;
  status: TicketStatus;
}

/** What the search is doing, for a progress display. */
export type RemoteMsaState =
  | { state: 'submitting'; attempt: number }
  | {
      state: 'rate-limited';
      attempt: number;
      retryInMs: number;
      reason: 'RATELIMIT' | 'UNKNOWN' | 'HTTP 429';
    }
  | { state: 'queued'; ticket: string; elapsedMs: number }
  | { state: 'running'; ticket: string; elapsedMs: number }
  | { state: 'downloading'; ticket: string }
  | { state: 'unpacking'; ticket: string; bytes: number };

export interface RemoteMsaOptions {
  /** server base URL, default https://api.colabfold.com */
  host?: string;
  mode?: MsaMode;
  /** name for the query row of the returned A3M (default: the server's "101") */
  queryName?: string;
  signal?: AbortSignal;
  onState?: (s: RemoteMsaState) => void;
  /** ms between polls (default 5000, plus up to `jitterMs`) */
  pollMs?: number;
  /** first wait after a rate limit (default 5000, doubled per attempt, capped at 60 s) */
  backoffMs?: number;
  jitterMs?: number;
  /** submissions tried before a persistent rate limit is reported (default 8) */
  maxSubmits?: number;
  /** consecutive UNKNOWN polls before the ticket counts as lost (default 12) */
  maxUnknownPolls?: number;
  fetch?: typeof fetch;
  random?: () => number;
}

export interface RemoteMsaResult {
  a3m: string;
  /** rows of the merged A3M, query included */
  rows: number;
  ticket: string;
  /** files in the archive */
  files: string[];
  host: string;
  mode: MsaMode;
}

const AMINO = /^[ACDEFGHIKLMNPQRSTVWYX]+$/;

/** The sequence as the API wants it (one line, upper case); throws naming a bad letter. */
export function normalizeQuery(sequence: string): string {
  const seq = sequence.replace(/\s+/g, '').toUpperCase();
  if (!seq) throw new RemoteMsaError('bad-query', 'no sequence to search: paste a protein sequence first');
  if (!AMINO.test(seq)) {
    const i = [...seq].findIndex((c) => !AMINO.test(c));
    throw new RemoteMsaError(
      'bad-query',
      `the sequence has '${seq[i]}' at position ${i + 1}; the MSA server takes the 20 standard amino acids (and X)`,
    );
  }
  return seq;
}

/** A server URL as typed (trailing slashes dropped); throws when it is not http(s). */
export function normalizeHost(host: string): string {
  const h = host.trim().replace(/\/+$/, '');
  let url: URL;
  try {
    url = new URL(h);
  } catch {
    throw new RemoteMsaError('bad-server-url', `'${host}' is not a URL (e.g. ${DEFAULT_MSA_SERVER})`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new RemoteMsaError('bad-server-url', `'${host}' is not an http(s) URL`);
  }
  return h;
}

function aborted(signal?: AbortSignal): RemoteMsaError {
  const reason = signal?.reason;
  return new RemoteMsaError('cancelled', reason instanceof Error ? reason.message : 'MSA search cancelled');
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(aborted(signal));
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(aborted(signal));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export class ColabFoldApi {
  constructor(
    readonly host: string,
    private readonly fetchFn: typeof fetch = (...a) => fetch(...a),
    private readonly signal?: AbortSignal,
  ) {}

  private async request(path: string, init: RequestInit = {}): Promise<Response> {
    if (this.signal?.aborted) throw aborted(this.signal);
    try {
      return await this.fetchFn(`${this.host}${path}`, { ...init, signal: this.signal });
    } catch (err) {
      if (this.signal?.aborted) throw aborted(this.signal);
      throw new RemoteMsaError(
        'network',
        `could not reach the MSA server at ${this.host} (${err instanceof Error ? err.message : String(err)}). ` +
          'Check the server URL and your connection; the server must allow requests from this page (CORS).',
      );
    }
  }

  private async json(res: Response, what: string): Promise<Ticket & { retryAfterMs?: number }> {
    const text = await res.text();
    if (res.status === 429) {
      const s = Number(res.headers.get('retry-after'));
      return { status: 'RATELIMIT', retryAfterMs: Number.isFinite(s) && s > 0 ? s * 1000 : undefined };
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      const head = text
        .replace(/<[^>]*>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim()
        .slice(0, 120);
      throw new RemoteMsaError(
        res.ok ? 'not-json' : 'http',
        `the MSA server at ${this.host} answered ${what} with HTTP ${res.status} and no JSON${head ? ` ("${head}")` : ''}`,
      );
    }
    const status = (body as { status?: unknown })?.status;
    if (typeof status !== 'string') {
      throw new RemoteMsaError(
        'not-json',
        `the MSA server at ${this.host} answered ${what} without a status`,
      );
    }
    const id = (body as { id?: unknown }).id;
    return { status: status as TicketStatus, id: typeof id === 'string' ? id : undefined };
  }

  async submit(query: string, mode: MsaMode): Promise<Ticket & { retryAfterMs?: number }> {
    const body = new URLSearchParams({ q: `>101\n${query}\n`, mode });
    const res = await this.request('/ticket/msa', { method: 'POST', body });
    return this.json(res, 'the submission');
  }

  async status(id: string): Promise<Ticket> {
    const res = await this.request(`/ticket/${encodeURIComponent(id)}`);
    return this.json(res, 'a status poll');
  }

  async download(id: string): Promise<Uint8Array> {
    const res = await this.request(`/result/download/${encodeURIComponent(id)}`);
    if (!res.ok) {
      throw new RemoteMsaError(
        'http',
        `the MSA server at ${this.host} answered the result download with HTTP ${res.status}`,
      );
    }
    try {
      return new Uint8Array(await res.arrayBuffer());
    } catch (err) {
      if (this.signal?.aborted) throw aborted(this.signal);
      throw new RemoteMsaError('network', `the result download from ${this.host} broke off: ${String(err)}`);
    }
  }
}

function serverError(host: string): RemoteMsaError {
  return new RemoteMsaError(
    'server-error',
    `the MSA server at ${host} reported an error (status ERROR) for this sequence. Check that it is a valid ` +
      'protein sequence; if it is, the server may be overloaded: try again later, or upload an A3M instead.',
  );
}

function maintenance(host: string): RemoteMsaError {
  return new RemoteMsaError(
    'maintenance',
    `the MSA server at ${host} is under maintenance (status MAINTENANCE). Try again in a few minutes, or upload an A3M instead.`,
  );
}

/** Submit, poll, download, unpack and merge: the A3M of one sequence from the server. */
export async function searchMsa(sequence: string, opts: RemoteMsaOptions = {}): Promise<RemoteMsaResult> {
  const query = normalizeQuery(sequence);
  const host = normalizeHost(opts.host ?? DEFAULT_MSA_SERVER);
  const mode = opts.mode ?? 'env';
  const { signal, onState = () => {} } = opts;
  const random = opts.random ?? Math.random;
  const pollMs = opts.pollMs ?? 5000;
  const jitterMs = opts.jitterMs ?? 5000;
  const backoffMs = opts.backoffMs ?? 5000;
  const maxSubmits = opts.maxSubmits ?? 8;
  const maxUnknown = opts.maxUnknownPolls ?? 12;
  const api = new ColabFoldApi(host, opts.fetch, signal);
  const t0 = Date.now();

  // Submit, retrying rate limits with a growing wait.
  let ticket: Ticket | undefined;
  for (let attempt = 1; ; attempt++) {
    onState({ state: 'submitting', attempt });
    const t = await api.submit(query, mode);
    if (t.status === 'RATELIMIT' || t.status === 'UNKNOWN') {
      if (attempt >= maxSubmits) {
        throw new RemoteMsaError(
          'rate-limited',
          `the MSA server at ${host} is rate-limiting requests from this address (${attempt} submissions refused ` +
            `over ${Math.round((Date.now() - t0) / 1000)} s). Wait a while and try again, or upload an A3M instead.`,
        );
      }
      const wait =
        t.retryAfterMs ?? Math.min(60_000, backoffMs * 2 ** (attempt - 1)) + Math.floor(random() * jitterMs);
      onState({
        state: 'rate-limited',
        attempt,
        retryInMs: wait,
        reason:
          t.retryAfterMs !== undefined ? 'HTTP 429' : t.status === 'RATELIMIT' ? 'RATELIMIT' : 'UNKNOWN',
      });
      await sleep(wait, signal);
      continue;
    }
    if (t.status === 'ERROR') throw serverError(host);
    if (t.status === 'MAINTENANCE') throw maintenance(host);
    ticket = t;
    break;
  }
  const id = ticket.id;
  if (!id)
    throw new RemoteMsaError(
      'not-json',
      `the MSA server at ${host} accepted the search but sent no ticket id`,
    );

  // Poll until the job ends.
  let status = ticket.status;
  let unknown = 0;
  const tJob = Date.now();
  while (status === 'PENDING' || status === 'RUNNING' || status === 'UNKNOWN') {
    unknown = status === 'UNKNOWN' ? unknown + 1 : 0;
    if (unknown >= maxUnknown) {
      throw new RemoteMsaError(
        'lost-ticket',
        `the MSA server at ${host} no longer knows ticket ${id} (status UNKNOWN ${unknown} times); search again`,
      );
    }
    onState({ state: status === 'RUNNING' ? 'running' : 'queued', ticket: id, elapsedMs: Date.now() - tJob });
    await sleep(pollMs + Math.floor(random() * jitterMs), signal);
    status = (await api.status(id)).status;
  }
  if (status === 'ERROR') throw serverError(host);
  if (status === 'MAINTENANCE') throw maintenance(host);
  if (status !== 'COMPLETE') {
    throw new RemoteMsaError(
      'not-json',
      `the MSA server at ${host} answered with an unknown status '${status}'`,
    );
  }

  onState({ state: 'downloading', ticket: id });
  const archive = await api.download(id);
  onState({ state: 'unpacking', ticket: id, bytes: archive.length });
  const members = await untarGz(archive, `result archive of ticket ${id}`);
  const texts = new Map<string, string>();
  for (const [name, bytes] of members)
    if (name.endsWith('.a3m')) texts.set(name, new TextDecoder().decode(bytes));
  const a3m = mergeA3m(texts, 101, opts.queryName);
  return {
    a3m,
    rows: (a3m.match(/^>/gm) ?? []).length,
    ticket: id,
    files: [...members.keys()],
    host,
    mode,
  };
}
