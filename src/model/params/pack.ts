/**
 * The webfold runtime parameter pack: one binary blob to cache (IndexedDB/OPFS/disk) and upload
 * to the GPU without re-parsing an npz.
 *
 * Layout (little-endian):
 *   [0..8)    magic "WFPARAMS"
 *   [8..12)   u32 format version (1)
 *   [12..16)  u32 header JSON byte length L
 *   [16..16+L) header JSON (UTF-8), see `PackHeader`
 *   zero padding to the first 256-byte boundary, then every tensor's payload at a 256-byte
 *   aligned absolute offset (WebGPU's minStorageBufferOffsetAlignment), row-major as in AF2,
 *   f32 or f16 (IEEE binary16) bits.
 * Content hash: SHA-256 over (the header JSON with `sha256` set to "" ‖ every tensor's
 * SHA-256 digest in table order). Per-tensor digests are stored too, so one tensor can be
 * checked on its own; WebCrypto has no streaming digest, this keeps each hash call bounded.
 */
import type { NdArray } from '../ndarray.ts';
import { formatShape, sizeOf } from '../ndarray.ts';
import { ParamsError } from './errors.ts';
import { halfBitsToFloat, toHalf } from './f16.ts';

export type PackPrecision = 'f32' | 'f16';

export interface PackTensor {
  key: string;
  shape: number[];
  dtype: 'float32' | 'float16';
  /** Absolute byte offset in the blob (multiple of 256). */
  offset: number;
  byteLength: number;
  sha256: string;
}

export interface PackHeader {
  format: 'webfold-params';
  version: 1;
  precision: PackPrecision;
  alignment: number;
  totalBytes: number;
  /** Free-form metadata, e.g. the inferred AF2 config and the source file name. */
  meta: Record<string, unknown>;
  tensors: PackTensor[];
  sha256: string;
}

export const PACK_ALIGNMENT = 256;
const MAGIC = 'WFPARAMS';
const HASH_PLACEHOLDER = '0'.repeat(64);

function align(n: number): number {
  return Math.ceil(n / PACK_ALIGNMENT) * PACK_ALIGNMENT;
}

function hex(buf: ArrayBuffer): string {
  return [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

async function sha256(bytes: Uint8Array): Promise<ArrayBuffer> {
  return crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
}

async function contentHash(header: PackHeader, digests: string[]): Promise<string> {
  const json = new TextEncoder().encode(JSON.stringify({ ...header, sha256: '' }));
  const all = new Uint8Array(json.length + digests.length * 32);
  all.set(json);
  digests.forEach((d, i) => {
    for (let j = 0; j < 32; j++)
      all[json.length + i * 32 + j] = Number.parseInt(d.slice(2 * j, 2 * j + 2), 16);
  });
  return hex(await sha256(all));
}

export interface PackOptions {
  precision?: PackPrecision;
  meta?: Record<string, unknown>;
}

type ArraySource = Iterable<[string, NdArray]> | AsyncIterable<[string, NdArray]>;

/**
 * Encode a pack. `layout` fixes key order and shapes up front (e.g. from `npz.infos()`), so
 * `arrays` can be streamed one at a time (e.g. `npz.arrays()`): the output is the only big buffer.
 */
export async function encodePack(
  layout: { key: string; shape: number[] }[],
  arrays: ArraySource,
  opts: PackOptions = {},
): Promise<Uint8Array> {
  const precision = opts.precision ?? 'f32';
  const bytesPer = precision === 'f32' ? 4 : 2;
  const tensors: PackTensor[] = layout.map((t) => ({
    key: t.key,
    shape: [...t.shape],
    dtype: precision === 'f32' ? 'float32' : 'float16',
    offset: 0,
    byteLength: sizeOf(t.shape) * bytesPer,
    sha256: HASH_PLACEHOLDER,
  }));
  const header: PackHeader = {
    format: 'webfold-params',
    version: 1,
    precision,
    alignment: PACK_ALIGNMENT,
    totalBytes: 0,
    meta: opts.meta ?? {},
    tensors,
    sha256: HASH_PLACEHOLDER,
  };
  // Offsets depend on the header length, which depends on the offsets' digits: iterate to a fixpoint.
  let headerLen = 0;
  for (;;) {
    let o = align(16 + headerLen);
    for (const t of tensors) {
      t.offset = o;
      o = align(o + t.byteLength);
    }
    header.totalBytes = o;
    const len = new TextEncoder().encode(JSON.stringify(header)).length;
    if (len === headerLen) break;
    headerLen = len;
  }
  const out = new Uint8Array(header.totalBytes);
  const byKey = new Map(tensors.map((t) => [t.key, t]));
  const done = new Set<string>();
  for await (const [key, a] of arrays as AsyncIterable<[string, NdArray]>) {
    const t = byKey.get(key);
    if (!t) throw new ParamsError('unexpected-key', `pack: array ${key} is not in the layout`);
    if (formatShape(a.shape) !== formatShape(t.shape)) {
      throw new ParamsError(
        'wrong-shape',
        `pack: ${key} has shape ${formatShape(a.shape)}, layout says ${formatShape(t.shape)}`,
      );
    }
    writeTensor(out, t, a, precision);
    t.sha256 = hex(await sha256(out.subarray(t.offset, t.offset + t.byteLength)));
    done.add(key);
  }
  const missing = tensors.find((t) => !done.has(t.key));
  if (missing)
    throw new ParamsError('missing-key', `pack: no data for ${missing.key} ${formatShape(missing.shape)}`);
  header.sha256 = await contentHash(
    header,
    tensors.map((t) => t.sha256),
  );
  const json = new TextEncoder().encode(JSON.stringify(header));
  if (json.length !== headerLen) throw new Error('pack: header length changed');
  for (let i = 0; i < 8; i++) out[i] = MAGIC.charCodeAt(i);
  const v = new DataView(out.buffer);
  v.setUint32(8, 1, true);
  v.setUint32(12, json.length, true);
  out.set(json, 16);
  return out;
}

function writeTensor(out: Uint8Array, t: PackTensor, a: NdArray, precision: PackPrecision): void {
  const n = sizeOf(t.shape);
  if (precision === 'f32') {
    const dst = new Float32Array(out.buffer, out.byteOffset + t.offset, n);
    if (a.dtype === 'float16') for (let i = 0; i < n; i++) dst[i] = halfBitsToFloat(a.data[i] as number);
    else if (a.dtype === 'float32' || a.dtype === 'float64') dst.set(a.data as Float32Array | Float64Array);
    else
      throw new ParamsError(
        'unsupported-dtype',
        `pack: ${t.key} has dtype ${a.dtype}; parameters must be floats`,
      );
  } else {
    const dst = new Uint16Array(out.buffer, out.byteOffset + t.offset, n);
    if (a.dtype === 'float16') dst.set(a.data as Uint16Array);
    else if (a.dtype === 'float32' || a.dtype === 'float64')
      toHalf(a.data as Float32Array | Float64Array, dst);
    else
      throw new ParamsError(
        'unsupported-dtype',
        `pack: ${t.key} has dtype ${a.dtype}; parameters must be floats`,
      );
  }
}

export interface DecodedPack {
  header: PackHeader;
  /** Views into the blob (no copies): Float32Array for f32, Uint16Array (f16 bits) for f16. */
  arrays: Map<string, NdArray>;
}

/** Read a pack's header (needs only the first 16 + L bytes). */
export function readPackHeader(bytes: Uint8Array, name = '<pack>'): PackHeader {
  const magic = String.fromCharCode(...bytes.subarray(0, 8));
  if (magic !== MAGIC)
    throw new ParamsError('bad-format', `${name}: not a webfold params pack (magic '${magic}')`);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = v.getUint32(8, true);
  if (version !== 1) throw new ParamsError('bad-format', `${name}: unsupported pack version ${version}`);
  const len = v.getUint32(12, true);
  if (16 + len > bytes.length) throw new ParamsError('truncated', `${name}: pack header is truncated`);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + len))) as PackHeader;
  return header;
}

/** Decode a pack; with `verify` (default) every digest and the content hash are checked. */
export async function decodePack(
  bytes: Uint8Array,
  opts: { verify?: boolean; name?: string } = {},
): Promise<DecodedPack> {
  const name = opts.name ?? '<pack>';
  const header = readPackHeader(bytes, name);
  if (bytes.length < header.totalBytes) {
    throw new ParamsError(
      'truncated',
      `${name}: pack is truncated (${bytes.length} of ${header.totalBytes} bytes)`,
    );
  }
  const arrays = new Map<string, NdArray>();
  // Offsets are 256-aligned, so alignment only depends on where the blob starts: copy at most once.
  const blob = bytes.byteOffset % 4 === 0 ? bytes : new Uint8Array(bytes);
  for (const t of header.tensors) {
    const slice = bytes.subarray(t.offset, t.offset + t.byteLength);
    if (opts.verify !== false) {
      const d = hex(await sha256(slice));
      if (d !== t.sha256)
        throw new ParamsError('corrupt', `${name}: tensor ${t.key} is corrupt (SHA-256 mismatch)`);
    }
    const n = sizeOf(t.shape);
    const at = blob.byteOffset + t.offset;
    const data =
      t.dtype === 'float32' ? new Float32Array(blob.buffer, at, n) : new Uint16Array(blob.buffer, at, n);
    arrays.set(t.key, { dtype: t.dtype, shape: t.shape, data });
  }
  if (opts.verify !== false) {
    const h = await contentHash(
      header,
      header.tensors.map((t) => t.sha256),
    );
    if (h !== header.sha256)
      throw new ParamsError('corrupt', `${name}: pack header is corrupt (content hash mismatch)`);
  }
  return { header, arrays };
}
