/** Resume and verification of parameter downloads, against the local parameter server. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ParamsServer, startParamsServer, tampered } from '../../test/servers/params-server.ts';
import {
  DownloadError,
  downloadToPart,
  expectedDigest,
  fetchSidecarSha256,
  memoryPartStore,
  type PartMeta,
  verifyPart,
} from './params-download.ts';

const FILE = new Uint8Array(700_001).map((_, i) => (i * 2654435761) >>> 24);
let server: ParamsServer;
let url: string;

beforeAll(async () => {
  server = await startParamsServer({ '/params_model_1.npz': FILE });
  url = `${server.url}/params_model_1.npz`;
});
afterAll(() => server.close());
afterEach(() => server.reset());

/** Whole-file equality (vitest's toEqual walks 700 000 elements one by one: far too slow). */
function expectFile(bytes: Uint8Array): void {
  expect(bytes.length).toBe(FILE.length);
  expect(Buffer.compare(bytes, FILE)).toBe(0);
}

const genuine = () => ({ sha256: server.sha256('/params_model_1.npz'), from: 'test' });

async function interrupted(store: ReturnType<typeof memoryPartStore>, cutAt: number): Promise<number> {
  server.switches.cutAt = cutAt;
  const err = await downloadToPart(url, store).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(DownloadError);
  expect((err as DownloadError).code).toBe('interrupted');
  expect((err as Error).message).toMatch(/broke off at .* of 0\.7 MiB.*Resume to continue/);
  const kept = store.bytes().length;
  expect(kept).toBeGreaterThan(0);
  expect(kept).toBeLessThanOrEqual(cutAt);
  expect(store.meta).toMatchObject({ url, bytes: kept, total: FILE.length, complete: false });
  return kept;
}

describe('downloadToPart', () => {
  it('downloads a whole file, then verifies it against the expected SHA-256', async () => {
    const store = memoryPartStore();
    const seen: number[] = [];
    const r = await downloadToPart(url, store, {
      onProgress: (p) => p.phase === 'downloading' && seen.push(p.done),
    });
    expect(r).toEqual({ bytes: FILE.length, total: FILE.length, resumedFrom: 0, restarted: false });
    expect(seen.at(-1)).toBe(FILE.length);
    expectFile(store.bytes());
    expect(await verifyPart(url, store, genuine())).toBe(genuine().sha256);
    expect(server.requests.map((q) => [q.range, q.status])).toEqual([[undefined, 200]]);
  });

  it('records the download before its part file exists (listing the downloads removes parts without a record)', async () => {
    const store = memoryPartStore();
    const open = store.open.bind(store);
    let recordAtOpen: unknown;
    store.open = async () => {
      recordAtOpen = await store.loadMeta();
      return open();
    };
    await downloadToPart(url, store);
    expect(recordAtOpen).toMatchObject({ url, bytes: 0, complete: false });
    expect(store.meta).toMatchObject({ url, complete: true, total: FILE.length });
  });

  it('resumes an interrupted download with Range + If-Range to a verified file', async () => {
    const store = memoryPartStore();
    const kept = await interrupted(store, FILE.length >> 1);
    await expect(verifyPart(url, store, genuine())).rejects.toThrow(/not complete/);
    const r = await downloadToPart(url, store);
    expect(r).toMatchObject({ resumedFrom: kept, restarted: false, bytes: FILE.length });
    const resume = server.requests.at(-1)!;
    expect(resume).toMatchObject({ range: `bytes=${kept}-`, status: 206, sent: FILE.length - kept });
    expect(resume.ifRange).toMatch(/^"[0-9a-f]{16}"$/);
    expectFile(store.bytes());
    // Hashed as it arrived, across the resume: verifying reads nothing back.
    expect(store.meta?.sha256).toBe(genuine().sha256);
    expect(await verifyPart(url, store, genuine())).toBe(genuine().sha256);
  });

  it('after a crash, bytes past the last checkpoint are fetched again and the hash continues from it', async () => {
    const store = memoryPartStore();
    const saved: PartMeta[] = [];
    const save = store.saveMeta.bind(store);
    store.saveMeta = async (m) => {
      saved.push(structuredClone(m));
      await save(m);
    };
    server.switches.cutAt = 450_000;
    await downloadToPart(url, store, { checkpointBytes: 100_000 }).catch(() => {});
    // A terminated worker never writes its last record: back to the last checkpoint.
    const checkpoint = saved.at(-2)!;
    expect(checkpoint.bytes).toBeGreaterThan(0);
    expect(store.bytes().length).toBeGreaterThan(checkpoint.bytes);
    store.meta = checkpoint;
    const r = await downloadToPart(url, store);
    expect(r.resumedFrom).toBe(checkpoint.bytes);
    expect(server.requests.at(-1)?.range).toBe(`bytes=${checkpoint.bytes}-`);
    expectFile(store.bytes());
    expect(store.meta?.sha256).toBe(genuine().sha256);
  });

  it('a part kept without a hash state is hashed whole when verified', async () => {
    const store = memoryPartStore();
    await interrupted(store, 300_000);
    store.meta!.hashState = undefined;
    await downloadToPart(url, store);
    expect(store.meta?.sha256).toBeUndefined();
    expect(await verifyPart(url, store, genuine())).toBe(genuine().sha256);
    expect(store.meta?.sha256).toBe(genuine().sha256);
  });

  it('starts over cleanly when the server ignores Range', async () => {
    const store = memoryPartStore();
    await interrupted(store, 300_000);
    server.switches.ignoreRange = true;
    const r = await downloadToPart(url, store);
    expect(r).toMatchObject({ resumedFrom: 0, restarted: true, bytes: FILE.length });
    expect(server.requests.at(-1)).toMatchObject({ status: 200, sent: FILE.length });
    expectFile(store.bytes());
  });

  it('starts over when the file changed on the server (If-Range no longer matches)', async () => {
    const store = memoryPartStore();
    await interrupted(store, 200_000);
    server.switches.changed = true;
    const r = await downloadToPart(url, store);
    expect(r.restarted).toBe(true);
    expect(server.requests.at(-1)).toMatchObject({ range: 'bytes=200000-', status: 200 });
    expectFile(store.bytes());
  });

  it('a part of another URL is never continued', async () => {
    const store = memoryPartStore();
    await interrupted(store, 100_000);
    store.meta!.url = `${url}?other`;
    const r = await downloadToPart(url, store);
    expect(r).toMatchObject({ resumedFrom: 0, restarted: true });
    expect(server.requests.at(-1)?.range).toBeUndefined();
    expectFile(store.bytes());
  });

  it('pausing (abort) keeps the bytes so far for a later resume', async () => {
    const store = memoryPartStore();
    const ac = new AbortController();
    const err = await downloadToPart(url, store, {
      signal: ac.signal,
      onProgress: (p) => p.phase === 'downloading' && ac.abort(),
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'CancelledError', code: 'cancelled' });
    const kept = store.bytes().length;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(FILE.length);
    expect(store.meta?.bytes).toBe(kept);
    await downloadToPart(url, store);
    expectFile(store.bytes());
  });

  it('a complete part is not downloaded again', async () => {
    const store = memoryPartStore();
    await downloadToPart(url, store);
    server.requests.length = 0;
    expect(await downloadToPart(url, store)).toMatchObject({ bytes: FILE.length, resumedFrom: FILE.length });
    expect(server.requests).toHaveLength(0);
  });

  it('refuses to start without room for the rest, and keeps what it has', async () => {
    const store = memoryPartStore();
    const kept = await interrupted(store, 300_000);
    const err = await downloadToPart(url, store, { freeBytes: async () => 1000 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'quota' });
    expect((err as Error).message).toBe(
      `Not enough browser storage to download ${url}: ${((FILE.length - kept) / 2 ** 20).toFixed(1)} MiB more needed, 0.0 MiB free for this site. ` +
        `The ${(kept / 2 ** 20).toFixed(1)} MiB downloaded so far are kept. Free space (remove parameter sets you no longer need, or disk space), then Resume.`,
    );
    expect(store.bytes()).toHaveLength(kept);
    await downloadToPart(url, store, { freeBytes: async () => 10 * 2 ** 20 });
    expectFile(store.bytes());
  });

  it('turns a quota error while writing into a resumable storage message', async () => {
    const store = memoryPartStore();
    const open = store.open.bind(store);
    let writes = 0;
    store.open = async () => {
      const f = await open();
      return {
        ...f,
        write(data, at) {
          if (++writes > 2) throw new DOMException('quota', 'QuotaExceededError');
          f.write(data, at);
        },
      };
    };
    const err = await downloadToPart(url, store).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'quota',
      message: expect.stringMatching(/^Not enough browser storage .* so far are kept/),
    });
    expect(store.meta?.bytes).toBe(store.bytes().length);
  });

  it('names the HTTP status of a missing file', async () => {
    await expect(downloadToPart(`${server.url}/nope.npz`, memoryPartStore())).rejects.toThrow(
      /nope\.npz: HTTP 404 Not Found \(no file at this URL\)/,
    );
  });
});

describe('verification', () => {
  it('rejects tampered bytes naming expected and actual digests, and deletes the part', async () => {
    server.switches.tamper = true;
    const store = memoryPartStore();
    await downloadToPart(url, store);
    const actual = server.sha256('/params_model_1.npz');
    const err = await verifyPart(url, store, { sha256: actual, from: 'the SHA-256 you entered' }).catch(
      (e: unknown) => e,
    );
    const { createHash } = await import('node:crypto');
    const bad = createHash('sha256').update(tampered(FILE)).digest('hex');
    expect((err as Error).message).toBe(
      `SHA-256 mismatch for ${url}: expected ${actual} (the SHA-256 you entered), got ${bad}. ` +
        'The file is damaged or is not the published one; it was deleted and nothing was stored.',
    );
    expect(store.bytes()).toHaveLength(0);
    expect(store.meta).toBeUndefined();
  });

  it('reads the <url>.sha256 sidecar and checks it against a typed digest', async () => {
    expect(await fetchSidecarSha256(url)).toBeUndefined();
    server.switches.sidecar = true;
    const side = await fetchSidecarSha256(url);
    expect(side).toBe(genuine().sha256);
    expect(expectedDigest(url, '', side)).toEqual({ sha256: side, from: `${url}.sha256` });
    expect(expectedDigest(url, side!.toUpperCase(), side)).toEqual({
      sha256: side,
      from: 'the SHA-256 you entered',
    });
    expect(() => expectedDigest(url, 'a'.repeat(64), side)).toThrow(
      /differs from the one the server publishes/,
    );
    expect(() => expectedDigest(url, 'abc', undefined)).toThrow(/'abc' is not a SHA-256 digest/);
    expect(expectedDigest(url, undefined, undefined)).toBeUndefined();
  });
});
