/**
 * Writing `.npz` files the way `np.savez` does: a ZIP archive of `<key>.npy` members, stored
 * (no compression), with valid CRC-32s, so numpy, AlphaFold and OpenFold load them unchanged.
 * ZIP64 records are added only when an offset or size passes 4 GiB - 1.
 *
 * Two entry points: `encodeNpz` (one buffer, sized up front: the only copy of the data it makes
 * is the output) and `NpzStreamWriter` (member by member into an async sink, e.g. a file, so a
 * full-size parameter set never needs a second in-memory copy).
 */
import type { NdArray } from '../ndarray.ts';
import { crc32Update } from './crc32.ts';
import { dataBytes, encodeNpyHeader } from './npy.ts';

const U32_MAX = 0xffffffff;
const DOS_DATE_1980 = 0x0021; // 1980-01-01, as numpy's zipfile writes for determinism
const UTF8_FLAG = 1 << 11;

interface Entry {
  name: Uint8Array;
  crc: number;
  size: number;
  offset: number;
}

/** One member ready to write: the .npy header, the data view, CRC over both. */
interface PreparedMember {
  name: Uint8Array;
  npyHeader: Uint8Array;
  body: Uint8Array;
  crc: number;
  size: number;
}

function prepare(key: string, array: NdArray): PreparedMember {
  const name = new TextEncoder().encode(`${key}.npy`);
  const npyHeader = encodeNpyHeader(array.dtype, array.shape);
  const body = dataBytes(array);
  const crc = crc32Update(crc32Update(0, npyHeader), body);
  return { name, npyHeader, body, crc, size: npyHeader.length + body.length };
}

function isAscii(bytes: Uint8Array): boolean {
  return bytes.every((b) => b < 0x80);
}

function localHeader(m: PreparedMember): Uint8Array {
  const zip64 = m.size >= U32_MAX;
  const extraLen = zip64 ? 20 : 0;
  const out = new Uint8Array(30 + m.name.length + extraLen);
  const v = new DataView(out.buffer);
  v.setUint32(0, 0x04034b50, true);
  v.setUint16(4, zip64 ? 45 : 20, true);
  v.setUint16(6, isAscii(m.name) ? 0 : UTF8_FLAG, true);
  v.setUint16(8, 0, true); // method: stored
  v.setUint16(10, 0, true); // time
  v.setUint16(12, DOS_DATE_1980, true);
  v.setUint32(14, m.crc, true);
  v.setUint32(18, zip64 ? U32_MAX : m.size, true);
  v.setUint32(22, zip64 ? U32_MAX : m.size, true);
  v.setUint16(26, m.name.length, true);
  v.setUint16(28, extraLen, true);
  out.set(m.name, 30);
  if (zip64) {
    const e = 30 + m.name.length;
    v.setUint16(e, 0x0001, true);
    v.setUint16(e + 2, 16, true);
    v.setBigUint64(e + 4, BigInt(m.size), true);
    v.setBigUint64(e + 12, BigInt(m.size), true);
  }
  return out;
}

function centralDirectory(entries: Entry[], cdOffset: number): Uint8Array {
  const records: Uint8Array[] = [];
  for (const e of entries) {
    const bigSize = e.size >= U32_MAX;
    const bigOffset = e.offset >= U32_MAX;
    const extraLen = bigSize || bigOffset ? 4 + (bigSize ? 16 : 0) + (bigOffset ? 8 : 0) : 0;
    const r = new Uint8Array(46 + e.name.length + extraLen);
    const v = new DataView(r.buffer);
    const version = extraLen ? 45 : 20;
    v.setUint32(0, 0x02014b50, true);
    v.setUint16(4, version, true);
    v.setUint16(6, version, true);
    v.setUint16(8, isAscii(e.name) ? 0 : UTF8_FLAG, true);
    v.setUint16(10, 0, true);
    v.setUint16(12, 0, true);
    v.setUint16(14, DOS_DATE_1980, true);
    v.setUint32(16, e.crc, true);
    v.setUint32(20, bigSize ? U32_MAX : e.size, true);
    v.setUint32(24, bigSize ? U32_MAX : e.size, true);
    v.setUint16(28, e.name.length, true);
    v.setUint16(30, extraLen, true);
    v.setUint16(32, 0, true); // comment
    v.setUint16(34, 0, true); // disk
    v.setUint16(36, 0, true); // internal attrs
    v.setUint32(38, 0o100644 * 0x10000, true); // external attrs: regular file, rw-r--r--
    v.setUint32(42, bigOffset ? U32_MAX : e.offset, true);
    r.set(e.name, 46);
    if (extraLen) {
      let p = 46 + e.name.length;
      v.setUint16(p, 0x0001, true);
      v.setUint16(p + 2, extraLen - 4, true);
      p += 4;
      if (bigSize) {
        v.setBigUint64(p, BigInt(e.size), true);
        v.setBigUint64(p + 8, BigInt(e.size), true);
        p += 16;
      }
      if (bigOffset) v.setBigUint64(p, BigInt(e.offset), true);
    }
    records.push(r);
  }
  const cdSize = records.reduce((a, r) => a + r.length, 0);
  const zip64 = entries.length >= 0xffff || cdOffset >= U32_MAX || cdSize >= U32_MAX;
  const tail = new Uint8Array((zip64 ? 56 + 20 : 0) + 22);
  const t = new DataView(tail.buffer);
  let p = 0;
  if (zip64) {
    const zip64EocdOffset = cdOffset + cdSize;
    t.setUint32(0, 0x06064b50, true);
    t.setBigUint64(4, 44n, true);
    t.setUint16(12, 45, true);
    t.setUint16(14, 45, true);
    t.setUint32(16, 0, true);
    t.setUint32(20, 0, true);
    t.setBigUint64(24, BigInt(entries.length), true);
    t.setBigUint64(32, BigInt(entries.length), true);
    t.setBigUint64(40, BigInt(cdSize), true);
    t.setBigUint64(48, BigInt(cdOffset), true);
    t.setUint32(56, 0x07064b50, true);
    t.setUint32(60, 0, true);
    t.setBigUint64(64, BigInt(zip64EocdOffset), true);
    t.setUint32(72, 1, true);
    p = 76;
  }
  t.setUint32(p, 0x06054b50, true);
  t.setUint16(p + 4, 0, true);
  t.setUint16(p + 6, 0, true);
  t.setUint16(p + 8, Math.min(entries.length, 0xffff), true);
  t.setUint16(p + 10, Math.min(entries.length, 0xffff), true);
  t.setUint32(p + 12, Math.min(cdSize, U32_MAX), true);
  t.setUint32(p + 16, Math.min(cdOffset, U32_MAX), true);
  t.setUint16(p + 20, 0, true);
  const out = new Uint8Array(cdSize + tail.length);
  let o = 0;
  for (const r of records) {
    out.set(r, o);
    o += r.length;
  }
  out.set(tail, o);
  return out;
}

/** Encode arrays as an `.npz` (keys become `<key>.npy` members, in insertion order). */
export function encodeNpz(arrays: Record<string, NdArray>): Uint8Array {
  const members = Object.entries(arrays).map(([k, a]) => prepare(k, a));
  const entries: Entry[] = [];
  const headers: Uint8Array[] = [];
  let offset = 0;
  for (const m of members) {
    const h = localHeader(m);
    headers.push(h);
    entries.push({ name: m.name, crc: m.crc, size: m.size, offset });
    offset += h.length + m.size;
  }
  const cd = centralDirectory(entries, offset);
  const out = new Uint8Array(offset + cd.length);
  let o = 0;
  members.forEach((m, i) => {
    out.set(headers[i], o);
    o += headers[i].length;
    out.set(m.npyHeader, o);
    o += m.npyHeader.length;
    out.set(m.body, o);
    o += m.body.length;
  });
  out.set(cd, o);
  return out;
}

/** Where a streamed archive goes. `write` receives views; it must consume them before resolving. */
export interface ByteSink {
  write(chunk: Uint8Array): Promise<void> | void;
}

/** Writes an `.npz` member by member; each array may be dropped once `add` has resolved. */
export class NpzStreamWriter {
  private readonly entries: Entry[] = [];
  private offset = 0;
  private finished = false;

  constructor(private readonly sink: ByteSink) {}

  async add(key: string, array: NdArray): Promise<void> {
    if (this.finished) throw new Error('NpzStreamWriter: add() after finish()');
    const m = prepare(key, array);
    const h = localHeader(m);
    this.entries.push({ name: m.name, crc: m.crc, size: m.size, offset: this.offset });
    await this.sink.write(h);
    await this.sink.write(m.npyHeader);
    await this.sink.write(m.body);
    this.offset += h.length + m.size;
  }

  /** Write the central directory; returns the total archive size in bytes. */
  async finish(): Promise<number> {
    this.finished = true;
    const cd = centralDirectory(this.entries, this.offset);
    await this.sink.write(cd);
    return this.offset + cd.length;
  }
}
