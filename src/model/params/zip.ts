/**
 * Random-access ZIP reading (what `.npz` is): find the end-of-central-directory record (and its
 * ZIP64 form), list members from the central directory, then read one member at a time: stored
 * members are one range read; deflated ones are inflated in chunks with fflate's streaming
 * `Inflate` straight into a buffer of the final size. Local headers are only used for the
 * length of their name + extra field (numpy writes ZIP64 extras there even for small members,
 * and sizes in local headers may be placeholders).
 */
import { Inflate } from 'fflate';
import { crc32Update } from './crc32.ts';
import { ParamsError } from './errors.ts';
import type { ByteSource } from './source.ts';

export interface ZipEntry {
  name: string;
  /** 0 = stored, 8 = deflate. */
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

export interface ZipArchive {
  source: ByteSource;
  entries: ZipEntry[];
  get(name: string): ZipEntry | undefined;
}

const EOCD_SIG = 0x06054b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const ZIP64_EOCD_SIG = 0x06064b50;
const CD_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;
const U32_MAX = 0xffffffff;
const INFLATE_CHUNK = 4 << 20;

function dv(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

function u64(v: DataView, at: number): number {
  const n = v.getBigUint64(at, true);
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError('ZIP64 value exceeds 2^53');
  return Number(n);
}

export async function openZip(source: ByteSource): Promise<ZipArchive> {
  const file = source.name;
  if (source.size < 22) {
    throw new ParamsError(
      'truncated',
      `${file}: truncated or not a ZIP/npz archive (only ${source.size} bytes)`,
    );
  }
  const tailLen = Math.min(source.size, 22 + 0xffff + 20);
  const tailStart = source.size - tailLen;
  const tail = await source.read(tailStart, tailLen);
  const tv = dv(tail);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tv.getUint32(i, true) === EOCD_SIG && i + 22 + tv.getUint16(i + 20, true) <= tail.length) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) {
    const head = await source.read(0, 4);
    const isZip = dv(head).getUint32(0, true) === LOCAL_SIG;
    throw new ParamsError(
      'truncated',
      isZip
        ? `${file}: ZIP archive is truncated (no end-of-central-directory record; was the download cut off?)`
        : `${file}: not a ZIP/npz archive (no end-of-central-directory record)`,
    );
  }
  let count = tv.getUint16(eocd + 10, true);
  let cdSize = tv.getUint32(eocd + 12, true);
  let cdOffset = tv.getUint32(eocd + 16, true);
  const locator = eocd - 20;
  if (locator >= 0 && tv.getUint32(locator, true) === ZIP64_LOCATOR_SIG) {
    const z64Offset = u64(tv, locator + 8);
    if (z64Offset + 56 > source.size) {
      throw new ParamsError('corrupt', `${file}: corrupt ZIP64 locator (points past the end of the file)`);
    }
    const z = dv(await source.read(z64Offset, 56));
    if (z.getUint32(0, true) !== ZIP64_EOCD_SIG) {
      throw new ParamsError('corrupt', `${file}: corrupt ZIP64 end-of-central-directory record`);
    }
    count = u64(z, 32);
    cdSize = u64(z, 40);
    cdOffset = u64(z, 48);
  }
  if (cdOffset + cdSize > source.size) {
    throw new ParamsError(
      'truncated',
      `${file}: ZIP archive is truncated or corrupt (central directory at ${cdOffset}+${cdSize} is past the end, ${source.size} bytes)`,
    );
  }
  const cd = await source.read(cdOffset, cdSize);
  const v = dv(cd);
  const entries: ZipEntry[] = [];
  let p = 0;
  const decoder = new TextDecoder();
  for (let i = 0; i < count; i++) {
    if (p + 46 > cd.length || v.getUint32(p, true) !== CD_SIG) {
      throw new ParamsError('corrupt', `${file}: corrupt ZIP central directory (entry ${i} of ${count})`);
    }
    const method = v.getUint16(p + 10, true);
    const crc = v.getUint32(p + 16, true);
    let compressedSize = v.getUint32(p + 20, true);
    let size = v.getUint32(p + 24, true);
    const nameLen = v.getUint16(p + 28, true);
    const extraLen = v.getUint16(p + 30, true);
    const commentLen = v.getUint16(p + 32, true);
    let localHeaderOffset = v.getUint32(p + 42, true);
    const name = decoder.decode(cd.subarray(p + 46, p + 46 + nameLen));
    // ZIP64 extended information: only the fields whose 32-bit value is 0xFFFFFFFF, in order.
    let e = p + 46 + nameLen;
    const extraEnd = e + extraLen;
    while (e + 4 <= extraEnd) {
      const id = v.getUint16(e, true);
      const len = v.getUint16(e + 2, true);
      if (id === 0x0001) {
        let q = e + 4;
        if (size === U32_MAX) {
          size = u64(v, q);
          q += 8;
        }
        if (compressedSize === U32_MAX) {
          compressedSize = u64(v, q);
          q += 8;
        }
        if (localHeaderOffset === U32_MAX) localHeaderOffset = u64(v, q);
      }
      e += 4 + len;
    }
    if (method !== 0 && method !== 8) {
      throw new ParamsError(
        'bad-format',
        `${file}: member ${name} uses unsupported ZIP compression method ${method}`,
      );
    }
    entries.push({ name, method, crc, compressedSize, size, localHeaderOffset });
    p = extraEnd + commentLen;
  }
  const byName = new Map(entries.map((en) => [en.name, en]));
  return { source, entries, get: (n) => byName.get(n) };
}

/** Offset of a member's data (after its local header). */
async function dataStart(zip: ZipArchive, entry: ZipEntry): Promise<number> {
  const file = zip.source.name;
  if (entry.localHeaderOffset + 30 > zip.source.size) {
    throw new ParamsError(
      'truncated',
      `${file}: member ${entry.name} lies past the end of the file (truncated)`,
    );
  }
  const h = dv(await zip.source.read(entry.localHeaderOffset, 30));
  if (h.getUint32(0, true) !== LOCAL_SIG) {
    throw new ParamsError('corrupt', `${file}: corrupt ZIP: bad local header for member ${entry.name}`);
  }
  const start = entry.localHeaderOffset + 30 + h.getUint16(26, true) + h.getUint16(28, true);
  if (start + entry.compressedSize > zip.source.size) {
    throw new ParamsError(
      'truncated',
      `${file}: member ${entry.name} is truncated (needs ${start + entry.compressedSize} bytes, file has ${zip.source.size})`,
    );
  }
  return start;
}

export interface ReadOptions {
  /** Check CRC-32 (default true). */
  verify?: boolean;
  /** For stored members: read only the first `limit` bytes (no CRC check). */
  limit?: number;
}

/** Read (and inflate) one member; the returned buffer is the only copy made. */
export async function readZipEntry(
  zip: ZipArchive,
  entry: ZipEntry,
  opts: ReadOptions = {},
): Promise<Uint8Array> {
  const file = zip.source.name;
  const start = await dataStart(zip, entry);
  const partial = opts.limit !== undefined && opts.limit < entry.size;
  let out: Uint8Array;
  if (entry.method === 0) {
    if (entry.compressedSize !== entry.size) {
      throw new ParamsError(
        'corrupt',
        `${file}: corrupt ZIP: stored member ${entry.name} has mismatched sizes`,
      );
    }
    out = await zip.source.read(start, partial ? (opts.limit as number) : entry.size);
  } else {
    out = await inflateRange(zip, entry, start, partial ? (opts.limit as number) : entry.size);
  }
  if (!partial && opts.verify !== false) {
    const crc = crc32Update(0, out);
    if (crc !== entry.crc) {
      throw new ParamsError(
        'corrupt',
        `${file}: member ${entry.name} is corrupt (CRC-32 ${crc.toString(16)} != ${entry.crc.toString(16)})`,
      );
    }
  }
  return out;
}

async function inflateRange(
  zip: ZipArchive,
  entry: ZipEntry,
  start: number,
  want: number,
): Promise<Uint8Array> {
  const file = zip.source.name;
  const out = new Uint8Array(want);
  let filled = 0;
  let overflow = false;
  let error: unknown;
  const inflater = new Inflate((chunk) => {
    const n = Math.min(chunk.length, want - filled);
    if (chunk.length > want - filled && want === entry.size) overflow = true;
    out.set(chunk.subarray(0, n), filled);
    filled += n;
  });
  let read = 0;
  while (read < entry.compressedSize && filled < want) {
    const n = Math.min(INFLATE_CHUNK, entry.compressedSize - read);
    const chunk = await zip.source.read(start + read, n);
    read += n;
    try {
      inflater.push(chunk, read === entry.compressedSize);
    } catch (err) {
      error = err;
      break;
    }
  }
  if (error || overflow || (want === entry.size && filled !== want) || filled < want) {
    const why =
      error instanceof Error ? error.message : overflow ? 'too much data' : `${filled} of ${want} bytes`;
    throw new ParamsError('corrupt', `${file}: member ${entry.name} is corrupt (deflate stream: ${why})`);
  }
  return out;
}
