/**
 * `.npz` reading on top of `zip.ts`: list the arrays, read only their `.npy` headers (dtype and
 * shape, for validation without touching the data), or read arrays one at a time.
 */
import type { DType, NdArray } from '../ndarray.ts';
import { ParamsError } from './errors.ts';
import { parseNpy, parseNpyHeader } from './npy.ts';
import type { ByteSource } from './source.ts';
import { openZip, readZipEntry, type ZipArchive, type ZipEntry } from './zip.ts';

export interface ArrayInfo {
  key: string;
  dtype: DType;
  shape: number[];
}

export interface NpzReader {
  readonly name: string;
  /** Array keys (member names without `.npy`), in archive order. */
  readonly keys: string[];
  /** dtype and shape of every array, reading only the headers. */
  infos(): Promise<ArrayInfo[]>;
  read(key: string): Promise<NdArray>;
  /** Arrays one at a time, in archive order; each may be dropped before the next is read. */
  arrays(): AsyncGenerator<[string, NdArray]>;
}

const HEADER_PROBE = 4096;

export async function openNpz(source: ByteSource): Promise<NpzReader> {
  const zip: ZipArchive = await openZip(source);
  const byKey = new Map<string, ZipEntry>();
  for (const e of zip.entries) {
    if (e.name.endsWith('/')) continue; // directory entry
    const key = e.name.endsWith('.npy') ? e.name.slice(0, -4) : e.name;
    byKey.set(key, e);
  }
  const keys = [...byKey.keys()];
  const member = (key: string): ZipEntry => {
    const e = byKey.get(key);
    if (!e) throw new ParamsError('missing-key', `${source.name}: no array '${key}'`);
    return e;
  };
  const label = (key: string) => `${source.name}: ${key}`;

  async function info(key: string): Promise<ArrayInfo> {
    const e = member(key);
    let head = await readZipEntry(zip, e, { limit: Math.min(HEADER_PROBE, e.size) });
    if (head.length >= 12 && head.length < e.size) {
      const v = new DataView(head.buffer, head.byteOffset, head.byteLength);
      const need = head[6] === 1 ? 10 + v.getUint16(8, true) : 12 + v.getUint32(8, true);
      if (need > head.length) head = await readZipEntry(zip, e, { limit: Math.min(need, e.size) });
    }
    const h = parseNpyHeader(head, label(key));
    if (h.dataOffset + h.dataBytes !== e.size) {
      throw new ParamsError(
        h.dataOffset + h.dataBytes > e.size ? 'truncated' : 'corrupt',
        `${label(key)}: member has ${e.size} bytes but its header promises ${h.dataOffset + h.dataBytes}`,
      );
    }
    return { key, dtype: h.dtype, shape: h.shape };
  }

  async function read(key: string): Promise<NdArray> {
    return parseNpy(await readZipEntry(zip, member(key)), label(key));
  }

  return {
    name: source.name,
    keys,
    async infos() {
      const out: ArrayInfo[] = [];
      for (const k of keys) out.push(await info(k));
      return out;
    },
    read,
    async *arrays() {
      for (const k of keys) yield [k, await read(k)];
    },
  };
}

/** Read every array of an `.npz` into a plain record (small files: fixtures, features). */
export async function readNpz(source: ByteSource): Promise<Record<string, NdArray>> {
  const npz = await openNpz(source);
  const out: Record<string, NdArray> = {};
  for await (const [k, a] of npz.arrays()) out[k] = a;
  return out;
}
