/**
 * Part files of parameter downloads in the Origin Private File System, apart from the stored
 * sets (./params-store.ts lists only `webfold-params/`, so a partial download never lists as
 * usable parameters):
 *
 *   webfold-downloads/<key>.part   the bytes so far (written through a sync access handle, so
 *                                  what was written survives a crash or a terminated worker)
 *   webfold-downloads/<key>.json   its PartMeta record (URL, validators, sizes, SHA-256)
 *
 * `<key>` is the first 32 hex digits of the SHA-256 of the URL.
 */
import { Sha256 } from '../model/params/sha256-stream.ts';
import type { PartFile, PartMeta, PartStore } from './params-download.ts';

const DIR = 'webfold-downloads';

interface DirHandle extends FileSystemDirectoryHandle {
  keys(): AsyncIterableIterator<string>;
}

interface SyncHandle {
  getSize(): number;
  write(data: Uint8Array, opts: { at: number }): number;
  truncate(n: number): void;
  flush(): void;
  close(): void;
}

async function dir(): Promise<DirHandle> {
  if (!navigator.storage?.getDirectory) {
    throw new Error('this browser has no Origin Private File System; downloads cannot be stored');
  }
  const root = await navigator.storage.getDirectory();
  return (await root.getDirectoryHandle(DIR, { create: true })) as DirHandle;
}

export function partKey(url: string): string {
  return new Sha256().update(new TextEncoder().encode(url)).hex().slice(0, 32);
}

async function readMeta(d: DirHandle, name: string): Promise<PartMeta | undefined> {
  try {
    return JSON.parse(await (await (await d.getFileHandle(name)).getFile()).text()) as PartMeta;
  } catch {
    return undefined;
  }
}

export async function opfsPartStore(url: string): Promise<PartStore> {
  const d = await dir();
  const key = partKey(url);
  const partName = `${key}.part`;
  const metaName = `${key}.json`;
  return {
    loadMeta: () => readMeta(d, metaName),
    async saveMeta(meta) {
      const w = await (await d.getFileHandle(metaName, { create: true })).createWritable();
      await w.write(JSON.stringify(meta));
      await w.close();
    },
    async open(): Promise<PartFile> {
      const fh = await d.getFileHandle(partName, { create: true });
      const h = (await (
        fh as unknown as { createSyncAccessHandle(): Promise<SyncHandle> }
      ).createSyncAccessHandle()) as SyncHandle;
      return {
        size: () => h.getSize(),
        write(data, at) {
          let done = 0;
          while (done < data.length) done += h.write(data.subarray(done), { at: at + done });
        },
        truncate: (n) => h.truncate(n),
        flush: () => h.flush(),
        close: () => h.close(),
      };
    },
    async blob() {
      return (await d.getFileHandle(partName, { create: true })).getFile();
    },
    async remove() {
      await d.removeEntry(metaName).catch(() => {});
      await d.removeEntry(partName).catch(() => {});
    },
  };
}

/** Every download record (complete or not), newest first; part files without a record are removed. */
export async function listParts(): Promise<PartMeta[]> {
  const d = await dir();
  const out: PartMeta[] = [];
  const names: string[] = [];
  for await (const name of d.keys()) names.push(name);
  for (const name of names) {
    if (name.endsWith('.part') && !names.includes(name.replace(/\.part$/, '.json'))) {
      await d.removeEntry(name).catch(() => {});
    }
    if (!name.endsWith('.json')) continue;
    const meta = await readMeta(d, name);
    if (meta) out.push(meta);
  }
  return out.sort((a, b) => b.updatedAt - a.updatedAt);
}
