/**
 * The OPFS parameter store when storage runs out: an in-memory directory with the OPFS handle
 * API (writes land in a swap buffer and commit on close, as Chromium's `createWritable` does)
 * whose writer throws the browser's `QuotaExceededError` once a byte budget is used up. The
 * store must turn that into a `StorageQuotaError` that says what was needed against what
 * `navigator.storage.estimate()` reports, and leave no file (temp, pack or record) behind.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StoredParams } from './fold-api.ts';
import { listStored, putStored, quotaMessage, StorageQuotaError } from './params-store.ts';

const MiB = 2 ** 20;

/** In-memory OPFS: committed files by name, and a quota shared by committed and in-flight bytes. */
class MemoryOpfs {
  readonly files = new Map<string, Uint8Array>();
  private inFlight = 0;
  constructor(
    /** the bytes the writer allows */
    public quota: number,
    /** what estimate() reports as used beyond these files (other data of the site) */
    public reportedExtraUsage = 0,
    /** what estimate() reports as the quota (browsers round and pad it: only an estimate) */
    public reportedQuota = quota,
  ) {}

  used(): number {
    let n = this.inFlight;
    for (const f of this.files.values()) n += f.length;
    return n;
  }

  estimate = async () => ({ usage: this.used() + this.reportedExtraUsage, quota: this.reportedQuota });

  private fileHandle(name: string) {
    const fs = this;
    return {
      kind: 'file' as const,
      name,
      async createWritable() {
        let swap = new Uint8Array(0);
        return {
          async write(chunk: Uint8Array | string) {
            const bytes = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk;
            if (fs.used() + bytes.length > fs.quota) {
              throw new DOMException(
                'The operation failed because it would cause the quota to be exceeded.',
                'QuotaExceededError',
              );
            }
            const next = new Uint8Array(swap.length + bytes.length);
            next.set(swap);
            next.set(bytes, swap.length);
            fs.inFlight += bytes.length;
            swap = next;
          },
          async close() {
            fs.inFlight -= swap.length;
            fs.files.set(name, swap);
          },
          async abort() {
            fs.inFlight -= swap.length;
            swap = new Uint8Array(0);
          },
        };
      },
      async getFile() {
        const data = fs.files.get(name);
        if (!data) throw new DOMException(`${name} not found`, 'NotFoundError');
        return new File([data as Uint8Array<ArrayBuffer>], name, { lastModified: Date.now() });
      },
      async move(newName: string) {
        const data = fs.files.get(name);
        if (!data) throw new DOMException(`${name} not found`, 'NotFoundError');
        fs.files.delete(name);
        fs.files.set(newName, data);
      },
    };
  }

  directory() {
    const fs = this;
    return {
      kind: 'directory' as const,
      name: 'webfold-params',
      async getFileHandle(name: string, opts?: { create?: boolean }) {
        if (!fs.files.has(name)) {
          if (!opts?.create) throw new DOMException(`${name} not found`, 'NotFoundError');
          fs.files.set(name, new Uint8Array(0));
        }
        return fs.fileHandle(name);
      },
      async removeEntry(name: string) {
        if (!fs.files.delete(name)) throw new DOMException(`${name} not found`, 'NotFoundError');
      },
      async *keys() {
        yield* [...fs.files.keys()];
      },
    };
  }

  storage() {
    const dir = this.directory();
    return {
      estimate: this.estimate,
      getDirectory: async () => ({ getDirectoryHandle: async () => dir }),
    };
  }
}

function record(id: string, bytes: number): StoredParams {
  return {
    id,
    name: 'model_1_ptm',
    source: 'params_model_1_ptm.npz',
    bytes,
    storedAt: 1_700_000_000_000,
    precision: 'f32',
    summary: {
      c_m: 32,
      c_z: 16,
      c_s: 48,
      evoformerBlocks: 2,
      extraMsaBlocks: 2,
      templates: true,
      ptm: true,
      parameterCount: 157_338,
    },
  };
}

let fs: MemoryOpfs;
function useStorage(quota: number, reportedExtraUsage = 0, reportedQuota = quota): void {
  fs = new MemoryOpfs(quota, reportedExtraUsage, reportedQuota);
  vi.stubGlobal('navigator', { storage: fs.storage() });
}

beforeEach(() => useStorage(64 * MiB));
afterEach(() => vi.unstubAllGlobals());

describe('params store under a storage quota', () => {
  it('stores and lists a set that fits (the in-memory OPFS works)', async () => {
    const pack = new Uint8Array(3 * MiB).fill(7);
    await putStored(record('a'.repeat(64), pack.length), pack);
    expect([...fs.files.keys()].sort()).toEqual([`${'a'.repeat(64)}.json`, `${'a'.repeat(64)}.pack`]);
    expect((await listStored()).map((r) => r.id)).toEqual(['a'.repeat(64)]);
  });

  it('refuses before writing when estimate() already shows too little room', async () => {
    useStorage(10 * MiB, 8 * MiB);
    const pack = new Uint8Array(5 * MiB);
    const err = await putStored(record('b'.repeat(64), pack.length), pack).catch((e) => e);
    expect(err).toBeInstanceOf(StorageQuotaError);
    expect(err.message).toMatch(/needs 5\.0 MiB, and the browser reports 2\.0 MiB free/);
    expect(err.message).toContain('8.0 MiB used of its 10.0 MiB quota).');
    expect(fs.files.size).toBe(0);
  });

  it('a QuotaExceededError while writing the pack leaves no temp file and names need and room', async () => {
    // estimate() says there is room (it is only an estimate); the writer disagrees mid-write.
    useStorage(4 * MiB, 0, 6 * MiB);
    const pack = new Uint8Array(5 * MiB);
    const err = await putStored(record('c'.repeat(64), pack.length), pack).catch((e) => e);
    expect(err).toBeInstanceOf(StorageQuotaError);
    expect(err.name).toBe('StorageQuotaError');
    expect(err.message).toMatch(/^Not enough browser storage for this parameter set: it needs 5\.0 MiB/);
    expect(err.message).toContain(
      'and the browser reports 6.0 MiB free for this site (0.0 MiB used of its 6.0 MiB quota)',
    );
    expect(err.message).toContain('yet it refused the write');
    expect(err.message).toContain('Nothing was stored.');
    expect([...fs.files.keys()]).toEqual([]);
    expect(await listStored()).toEqual([]);
  });

  it('a QuotaExceededError on the record after the pack fit removes the pack too', async () => {
    const pack = new Uint8Array(4 * MiB);
    useStorage(pack.length + 100); // the pack fits, its record (~300 bytes) does not
    const err = await putStored(record('d'.repeat(64), pack.length), pack).catch((e) => e);
    expect(err).toBeInstanceOf(StorageQuotaError);
    expect([...fs.files.keys()]).toEqual([]);
  });

  it('other write errors pass through unchanged, and still leave nothing behind', async () => {
    const pack = new Uint8Array(MiB);
    const dir = fs.directory();
    const failing = {
      ...dir,
      async getFileHandle(name: string, opts?: { create?: boolean }) {
        const h = await dir.getFileHandle(name, opts);
        if (!name.endsWith('.json.tmp')) return h;
        return {
          ...h,
          async createWritable() {
            const w = await h.createWritable();
            return {
              ...w,
              async write() {
                throw new DOMException('disk I/O failed', 'InvalidStateError');
              },
            };
          },
        };
      },
    };
    vi.stubGlobal('navigator', {
      storage: {
        estimate: fs.estimate,
        getDirectory: async () => ({ getDirectoryHandle: async () => failing }),
      },
    });
    const err = await putStored(record('e'.repeat(64), pack.length), pack).catch((e) => e);
    expect(err).toBeInstanceOf(DOMException);
    expect(err.name).toBe('InvalidStateError');
    expect([...fs.files.keys()]).toEqual([]);
  });

  it('says what was needed even without an estimate', () => {
    expect(quotaMessage(3 * MiB)).toMatch(/needs 3\.0 MiB\. Nothing was stored\./);
  });
});
