/**
 * Resumable, verified download of a parameter file, written against a small storage interface
 * (`PartStore`) so the same logic runs on OPFS in the worker (./download-opfs.ts) and in memory in
 * tests.
 *
 * The bytes go to a `.part` file with a metadata record (URL, ETag / Last-Modified, total size,
 * bytes so far). A retry asks for the rest with `Range: bytes=N-` and `If-Range: <validator>`; a
 * server that answers 200 instead (Range ignored, or the file changed) restarts the file from
 * byte 0. A download counts as complete only when it has the size the server announced
 * (Content-Length / Content-Range). Its SHA-256 is computed over every byte as it is written (the
 * hash state is saved with each checkpoint of the record, so a resume does not read the part back)
 * and compared with the expected digest (typed by the user, or the server's `<url>.sha256`) before
 * anything uses the file. Nothing here stores a
 * parameter set: the caller imports a complete, verified part and then removes it.
 */
import { parseSha256, Sha256, type Sha256State } from '../model/params/sha256-stream.ts';

export interface PartMeta {
  url: string;
  /** strong ETag (weak ones cannot be used with If-Range) */
  etag?: string;
  lastModified?: string;
  /** size announced by the server, when it did */
  total?: number;
  /** bytes in the part file when the record was written */
  bytes: number;
  complete: boolean;
  /** hex SHA-256 of the complete file, once computed */
  sha256?: string;
  /** SHA-256 state over the first `bytes` bytes, so a resumed download hashes only the rest */
  hashState?: Sha256State;
  updatedAt: number;
}

/** The open part file (OPFS: a FileSystemSyncAccessHandle). */
export interface PartFile {
  size(): number;
  write(data: Uint8Array, at: number): void;
  truncate(n: number): void;
  flush(): void;
  close(): void;
}

export interface PartStore {
  loadMeta(): Promise<PartMeta | undefined>;
  saveMeta(meta: PartMeta): Promise<void>;
  open(): Promise<PartFile>;
  /** the part's bytes as they are now (for hashing and import) */
  blob(): Promise<Blob>;
  /** remove the part and its record */
  remove(): Promise<void>;
}

export type DownloadPhase = 'connecting' | 'downloading' | 'verifying';

export interface DownloadProgress {
  phase: DownloadPhase;
  /** bytes received (downloading) or hashed (verifying) */
  done: number;
  total?: number;
  /** byte the transfer resumed from (0 = from the start) */
  resumedFrom: number;
}

export class DownloadError extends Error {
  constructor(
    readonly code: 'http' | 'network' | 'interrupted' | 'size' | 'sha256' | 'quota' | 'cancelled',
    message: string,
  ) {
    super(message);
    this.name = code === 'cancelled' ? 'CancelledError' : 'DownloadError';
  }
}

export function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

function contentRange(h: string | null): { start: number; total?: number } | undefined {
  const m = h ? /^bytes\s+(\d+)-\d+\/(\d+|\*)$/.exec(h.trim()) : null;
  if (!m) return undefined;
  return { start: Number(m[1]), total: m[2] === '*' ? undefined : Number(m[2]) };
}

function validatorOf(meta: PartMeta): string | undefined {
  return meta.etag ?? meta.lastModified;
}

export interface DownloadOptions {
  signal?: AbortSignal;
  onProgress?: (p: DownloadProgress) => void;
  fetch?: typeof fetch;
  /** write the record every this many bytes (default 4 MiB) */
  checkpointBytes?: number;
  /** bytes the storage can still take (navigator.storage.estimate), if known */
  freeBytes?: () => Promise<number | undefined>;
}

function quotaError(url: string, need: number, free: number | undefined, kept: number): DownloadError {
  return new DownloadError(
    'quota',
    `Not enough browser storage to download ${url}: ${mib(need)} more needed` +
      (free !== undefined ? `, ${mib(free)} free for this site` : '') +
      `. ${kept > 0 ? `The ${mib(kept)} downloaded so far are kept. ` : ''}Free space (remove parameter sets ` +
      'you no longer need, or disk space), then Resume.',
  );
}

function isQuotaError(err: unknown): boolean {
  return (err as { name?: string })?.name === 'QuotaExceededError';
}

export interface DownloadOutcome {
  bytes: number;
  total?: number;
  /** the transfer continued a part (206) */
  resumedFrom: number;
  /** a part existed but had to be thrown away (server ignored Range, or the file changed) */
  restarted: boolean;
}

/**
 * Bring the part for `url` to completion: resume it when the server allows, else start over.
 * Rejects with `DownloadError('interrupted')` when the connection breaks; the bytes so far stay
 * in the part for the next try.
 */
export async function downloadToPart(
  url: string,
  store: PartStore,
  opts: DownloadOptions = {},
): Promise<DownloadOutcome> {
  const { signal, onProgress = () => {} } = opts;
  const fetchFn = opts.fetch ?? ((...a: Parameters<typeof fetch>) => fetch(...a));
  const checkpoint = opts.checkpointBytes ?? 4 * 2 ** 20;
  const old = await store.loadMeta();
  // A part file always has a record: listing the downloads removes part files without one (left
  // by a crash), and must not remove this one while the response is still on its way.
  if (!old || old.url !== url)
    await store.saveMeta({ url, bytes: 0, complete: false, updatedAt: Date.now() });
  const part = await store.open();
  try {
    let have = part.size();
    const usable = old !== undefined && old.url === url && validatorOf(old) !== undefined && have > 0;
    if (usable && old.complete && old.total === have) {
      return { bytes: have, total: have, resumedFrom: have, restarted: false };
    }
    let restarted = false;
    if (!usable && have > 0) {
      part.truncate(0);
      restarted = true;
      have = 0;
    }
    // The file is hashed as it arrives. A resume continues from the hash state saved with the
    // record (bytes written after that checkpoint are dropped and fetched again); a part without
    // one is hashed whole by verifyPart.
    let hasher: Sha256 | undefined = new Sha256();
    if (usable) {
      const st = old.hashState;
      if (st && st.length === old.bytes && old.bytes <= have) {
        if (old.bytes < have) part.truncate(old.bytes);
        have = old.bytes;
        hasher = Sha256.resume(st);
      } else {
        hasher = undefined;
      }
    }
    const headers: Record<string, string> = {};
    if (have > 0 && old) {
      headers.Range = `bytes=${have}-`;
      headers['If-Range'] = validatorOf(old)!;
    }
    onProgress({ phase: 'connecting', done: have, total: old?.total, resumedFrom: have });
    let res: Response;
    try {
      res = await fetchFn(url, { headers, signal, cache: 'no-store' });
    } catch (err) {
      if (signal?.aborted) throw new DownloadError('cancelled', 'download paused; the bytes so far are kept');
      throw new DownloadError(
        'network',
        `could not reach ${url} (${err instanceof Error ? err.message : String(err)}). Check the URL and your ` +
          'connection; the server must allow downloads from this page (CORS).',
      );
    }
    let total: number | undefined;
    let resumedFrom = 0;
    if (res.status === 206 && have > 0) {
      const range = contentRange(res.headers.get('content-range'));
      if (!range || range.start !== have || (old?.total !== undefined && range.total !== old.total)) {
        await res.body?.cancel();
        throw new DownloadError(
          'http',
          `${url}: the server answered the resume request with an unexpected range (${res.headers.get('content-range')}, wanted bytes ${have}- of ${old?.total ?? '?'})`,
        );
      }
      total = range.total;
      resumedFrom = have;
    } else if (res.status === 200) {
      if (have > 0) {
        // Range ignored, or the file changed since the part was written: start over cleanly.
        part.truncate(0);
        restarted = true;
        have = 0;
        hasher = new Sha256();
      }
      const len = res.headers.get('content-encoding') ? null : res.headers.get('content-length');
      total = len !== null && /^\d+$/.test(len) ? Number(len) : undefined;
    } else if (res.status === 416 && old?.total !== undefined && have === old.total) {
      total = have; // the part already holds everything
    } else {
      await res.body?.cancel().catch(() => {});
      throw new DownloadError(
        'http',
        `${url}: HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}` +
          (res.status === 404 ? ' (no file at this URL)' : ''),
      );
    }
    const etag = res.headers.get('etag') ?? undefined;
    const meta: PartMeta = {
      url,
      etag: etag && !etag.startsWith('W/') ? etag : undefined,
      lastModified: res.headers.get('last-modified') ?? undefined,
      total,
      bytes: have,
      complete: false,
      hashState: hasher?.state(),
      updatedAt: Date.now(),
    };
    if (total !== undefined && opts.freeBytes) {
      const free = await opts.freeBytes();
      if (free !== undefined && free < total - have) {
        await res.body?.cancel().catch(() => {});
        await store.saveMeta(meta);
        throw quotaError(url, total - have, free, have);
      }
    }
    await store.saveMeta(meta);

    let at = have;
    let sinceCheckpoint = 0;
    const save = async (complete = false) => {
      part.flush();
      const hash = complete ? { sha256: hasher?.hex() } : { hashState: hasher?.state() };
      await store.saveMeta({ ...meta, bytes: at, complete, ...hash, updatedAt: Date.now() });
    };
    if (res.status !== 416 && res.body) {
      const reader = res.body.getReader();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          if (total !== undefined && at + value.length > total) {
            throw new DownloadError(
              'size',
              `${url}: the server sent more than the ${total} bytes it announced`,
            );
          }
          part.write(value, at);
          hasher?.update(value);
          at += value.length;
          sinceCheckpoint += value.length;
          if (sinceCheckpoint >= checkpoint) {
            sinceCheckpoint = 0;
            await save();
          }
          onProgress({ phase: 'downloading', done: at, total, resumedFrom });
        }
      } catch (err) {
        await save().catch(() => {});
        if (err instanceof DownloadError) {
          if (err.code === 'size') await store.remove().catch(() => {});
          throw err;
        }
        if (isQuotaError(err)) throw quotaError(url, (total ?? at) - at, undefined, at);
        if (signal?.aborted) {
          throw new DownloadError('cancelled', `download paused at ${mib(at)}; the bytes so far are kept`);
        }
        throw new DownloadError(
          'interrupted',
          `the download broke off at ${mib(at)}${total !== undefined ? ` of ${mib(total)}` : ''} ` +
            `(${err instanceof Error ? err.message : String(err)}). Resume to continue from there.`,
        );
      }
    }
    if (total !== undefined && at !== total) {
      await save();
      throw new DownloadError(
        'interrupted',
        `the download ended early: ${at} of ${total} bytes (${mib(at)} of ${mib(total)}). Resume to continue from there.`,
      );
    }
    await save(true);
    return { bytes: at, total: total ?? at, resumedFrom, restarted };
  } finally {
    part.close();
  }
}

/** The digest a server publishes beside a file, at `<url>.sha256` (undefined when none). */
export async function fetchSidecarSha256(
  url: string,
  fetchFn: typeof fetch = fetch,
): Promise<string | undefined> {
  let sidecar: string;
  try {
    const u = new URL(url);
    u.pathname += '.sha256';
    sidecar = u.href;
  } catch {
    return undefined;
  }
  try {
    const res = await fetchFn(sidecar, { cache: 'no-store' });
    if (!res.ok) return undefined;
    return parseSha256((await res.text()).slice(0, 4096));
  } catch {
    return undefined; // no sidecar, or one the server does not share with this page
  }
}

export interface ExpectedDigest {
  sha256: string;
  /** where it came from, for messages: 'the SHA-256 you entered' or '<url>.sha256' */
  from: string;
}

/**
 * The digest to verify against: the user's and the sidecar's, which must agree when both exist.
 * Throws on a typed value that is not a SHA-256.
 */
export function expectedDigest(
  url: string,
  typed: string | undefined,
  sidecar: string | undefined,
): ExpectedDigest | undefined {
  let mine: string | undefined;
  if (typed?.trim()) {
    mine = parseSha256(typed);
    if (!mine) {
      throw new DownloadError('sha256', `'${typed.trim()}' is not a SHA-256 digest (64 hexadecimal digits)`);
    }
  }
  if (mine && sidecar && mine !== sidecar) {
    throw new DownloadError(
      'sha256',
      `the SHA-256 you entered (${mine}) differs from the one the server publishes in ${url}.sha256 (${sidecar}); ` +
        'check which is right before downloading',
    );
  }
  if (mine) return { sha256: mine, from: 'the SHA-256 you entered' };
  if (sidecar) return { sha256: sidecar, from: `${url}.sha256` };
  return undefined;
}

/**
 * SHA-256 of the complete part; compared with `expected` when given. A mismatch removes the part
 * (it is never used) and throws naming both digests.
 */
export async function verifyPart(
  url: string,
  store: PartStore,
  expected: ExpectedDigest | undefined,
  onProgress: (p: DownloadProgress) => void = () => {},
  chunk = 8 * 2 ** 20,
): Promise<string> {
  const meta = await store.loadMeta();
  const blob = await store.blob();
  if (!meta?.complete || meta.url !== url || (meta.total !== undefined && blob.size !== meta.total)) {
    throw new DownloadError(
      'size',
      `${url}: the download is not complete (${blob.size} of ${meta?.total ?? '?'} bytes)`,
    );
  }
  let actual = meta.sha256;
  if (!actual) {
    const h = new Sha256();
    for (let at = 0; at < blob.size; at += chunk) {
      h.update(new Uint8Array(await blob.slice(at, at + chunk).arrayBuffer()));
      onProgress({
        phase: 'verifying',
        done: Math.min(at + chunk, blob.size),
        total: blob.size,
        resumedFrom: 0,
      });
    }
    actual = h.hex();
    await store.saveMeta({ ...meta, sha256: actual, updatedAt: Date.now() });
  }
  if (expected && expected.sha256 !== actual) {
    await store.remove();
    throw new DownloadError(
      'sha256',
      `SHA-256 mismatch for ${url}: expected ${expected.sha256} (${expected.from}), got ${actual}. ` +
        'The file is damaged or is not the published one; it was deleted and nothing was stored.',
    );
  }
  return actual;
}

/** A part store in memory (tests, and hosts without OPFS). */
export function memoryPartStore(): PartStore & { bytes(): Uint8Array; meta?: PartMeta } {
  let data = new Uint8Array(0);
  let size = 0;
  const s = {
    meta: undefined as PartMeta | undefined,
    bytes: () => data.slice(0, size),
    async loadMeta() {
      return s.meta ? { ...s.meta } : undefined;
    },
    async saveMeta(m: PartMeta) {
      s.meta = { ...m };
    },
    async open(): Promise<PartFile> {
      return {
        size: () => size,
        write(chunk, at) {
          if (at + chunk.length > data.length) {
            const grown = new Uint8Array(Math.max(at + chunk.length, data.length * 2));
            grown.set(data.subarray(0, size));
            data = grown;
          }
          data.set(chunk, at);
          size = Math.max(size, at + chunk.length);
        },
        truncate(n) {
          size = Math.min(size, n);
        },
        flush() {},
        close() {},
      };
    },
    async blob() {
      return new Blob([data.slice(0, size)]);
    },
    async remove() {
      data = new Uint8Array(0);
      size = 0;
      s.meta = undefined;
    },
  };
  return s;
}
