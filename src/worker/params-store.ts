/**
 * Parameter sets in the Origin Private File System, in the runtime pack format
 * (src/model/params/pack.ts), named by their SHA-256 content hash:
 *
 *   webfold-params/<hash>.pack   the pack
 *   webfold-params/<hash>.json   its StoredParams record (written last)
 *
 * Every file is written under `<name>.tmp` and renamed only when complete, and the record is
 * written after the pack, so a crash or a cancelled import never leaves a set that lists as
 * stored: a set exists when its record exists and its pack has the recorded size.
 */
import type { AF2Config } from '../model/params/config.ts';
import type { StoredParams } from './fold-api.ts';

const DIR = 'webfold-params';
/** Temp files older than this are leftovers of a crash (a live import finishes sooner). */
const STALE_TMP_MS = 30 * 60_000;

/** What the OPFS directory handle offers beyond lib.dom's typing (Chromium has all of it). */
interface DirHandle extends FileSystemDirectoryHandle {
  keys(): AsyncIterableIterator<string>;
}
interface MovableFileHandle extends FileSystemFileHandle {
  move?(newName: string): Promise<void>;
}

export class StorageQuotaError extends Error {
  override name = 'StorageQuotaError';
}

async function dir(): Promise<DirHandle> {
  if (!navigator.storage?.getDirectory) {
    throw new Error(
      'this browser has no Origin Private File System (navigator.storage.getDirectory); parameters cannot be stored',
    );
  }
  const root = await navigator.storage.getDirectory();
  return (await root.getDirectoryHandle(DIR, { create: true })) as DirHandle;
}

function isQuotaError(err: unknown): boolean {
  return err instanceof DOMException && (err.name === 'QuotaExceededError' || err.code === 22);
}

export function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/**
 * What a quota failure says: what the set needs against what `navigator.storage.estimate()`
 * reports. The estimate is approximate (and DevTools' quota override does not show in it), so a
 * refused write may come with an estimate that claims room; the message then says so.
 */
export function quotaMessage(need: number, usage?: number, quota?: number): string {
  let have = '';
  if (usage !== undefined && quota !== undefined) {
    const free = Math.max(0, quota - usage);
    have =
      `, and the browser reports ${mib(free)} free for this site (${mib(usage)} used of its ${mib(quota)} quota)` +
      (free >= need ? ', yet it refused the write: the estimate is approximate, or the disk is full' : '');
  }
  return (
    `Not enough browser storage for this parameter set: it needs ${mib(need)}${have}. Nothing was stored. ` +
    'Remove parameter sets you no longer need, free disk space, or allow this site to store more ' +
    '(the browser grants more to sites with persistent storage and when the disk has room).'
  );
}

/**
 * Write `bytes` to `name` atomically: `<name>.tmp` first, renamed when complete. On any failure
 * the temp file is removed and the error rethrown as it came (quota errors included).
 */
async function writeAtomic(d: DirHandle, name: string, bytes: Uint8Array | string): Promise<void> {
  const tmp = `${name}.tmp`;
  const handle = (await d.getFileHandle(tmp, { create: true })) as MovableFileHandle;
  try {
    const w = await handle.createWritable();
    try {
      await w.write(bytes as FileSystemWriteChunkType);
      await w.close();
    } catch (err) {
      await w.abort().catch(() => {});
      throw err;
    }
    if (handle.move) {
      await handle.move(name);
    } else {
      // No rename in this browser: createWritable commits atomically on close, so write again.
      const final = await d.getFileHandle(name, { create: true });
      const w2 = await final.createWritable();
      try {
        await w2.write(bytes as FileSystemWriteChunkType);
        await w2.close();
      } catch (err) {
        await w2.abort().catch(() => {});
        await d.removeEntry(name).catch(() => {});
        throw err;
      }
      await d.removeEntry(tmp);
    }
  } catch (err) {
    await d.removeEntry(tmp).catch(() => {});
    throw err;
  }
}

async function readText(d: DirHandle, name: string): Promise<string | undefined> {
  try {
    return await (await (await d.getFileHandle(name)).getFile()).text();
  } catch {
    return undefined;
  }
}

async function fileSize(d: DirHandle, name: string): Promise<number | undefined> {
  try {
    return (await (await d.getFileHandle(name)).getFile()).size;
  } catch {
    return undefined;
  }
}

export function summaryOf(config: AF2Config): StoredParams['summary'] {
  return {
    c_m: config.c_m,
    c_z: config.c_z,
    c_s: config.c_s,
    evoformerBlocks: config.evoformer.blocks,
    extraMsaBlocks: config.extraMsa.blocks,
    templates: config.template !== null,
    ptm: config.heads.ptm,
    parameterCount: config.parameterCount,
  };
}

/** Stored sets (complete ones only), newest first; removes stale temp files on the way. */
export async function listStored(): Promise<StoredParams[]> {
  const d = await dir();
  const out: StoredParams[] = [];
  for await (const name of d.keys()) {
    if (name.endsWith('.tmp')) {
      const f = await (await d.getFileHandle(name)).getFile().catch(() => undefined);
      if (f && Date.now() - f.lastModified > STALE_TMP_MS) await d.removeEntry(name).catch(() => {});
      continue;
    }
    if (!name.endsWith('.json')) continue;
    const text = await readText(d, name);
    if (!text) continue;
    let rec: StoredParams;
    try {
      rec = JSON.parse(text) as StoredParams;
    } catch {
      continue;
    }
    if ((await fileSize(d, `${rec.id}.pack`)) !== rec.bytes) continue;
    out.push(rec);
  }
  return out.sort((a, b) => b.storedAt - a.storedAt);
}

export async function findStored(id: string): Promise<StoredParams | undefined> {
  const d = await dir();
  const text = await readText(d, `${id}.json`);
  if (!text) return undefined;
  const rec = JSON.parse(text) as StoredParams;
  return (await fileSize(d, `${id}.pack`)) === rec.bytes ? rec : undefined;
}

/**
 * Store a pack and its record (pack first, record last). If either write fails, whatever was
 * written of the set is removed again, so a failed import leaves no file behind; running out of
 * quota (checked first against `navigator.storage.estimate()`, and caught from the writes, since
 * the estimate is only an estimate) becomes a `StorageQuotaError` saying what was needed.
 */
export async function putStored(rec: StoredParams, pack: Uint8Array): Promise<void> {
  const d = await dir();
  const record = JSON.stringify(rec);
  const need = pack.length + record.length;
  const est = await navigator.storage.estimate?.().catch(() => undefined);
  if (est?.quota !== undefined && est.usage !== undefined && est.quota - est.usage < need) {
    throw new StorageQuotaError(quotaMessage(need, est.usage, est.quota));
  }
  try {
    await writeAtomic(d, `${rec.id}.pack`, pack);
    await writeAtomic(d, `${rec.id}.json`, record);
  } catch (err) {
    await d.removeEntry(`${rec.id}.json`).catch(() => {});
    await d.removeEntry(`${rec.id}.pack`).catch(() => {});
    if (!isQuotaError(err)) throw err;
    const after = await navigator.storage.estimate?.().catch(() => undefined);
    throw new StorageQuotaError(quotaMessage(need, after?.usage, after?.quota));
  }
}

export async function readPack(id: string): Promise<Uint8Array> {
  const d = await dir();
  const file = await (await d.getFileHandle(`${id}.pack`)).getFile();
  return new Uint8Array(await file.arrayBuffer());
}

/** Remove a set: its record first (so it stops listing), then its pack. */
export async function removeStored(id: string): Promise<void> {
  const d = await dir();
  await d.removeEntry(`${id}.json`).catch(() => {});
  await d.removeEntry(`${id}.pack`).catch(() => {});
}
