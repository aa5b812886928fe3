/**
 * The NumPy `.npy` format (versions 1.0, 2.0, 3.0): magic `\x93NUMPY`, version bytes, a
 * little-endian header length (u16 in v1, u32 in v2/v3), an ASCII (v3: UTF-8) Python dict literal
 * `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }` padded with spaces and `\n`,
 * then the raw array bytes (here always C order, little-endian).
 */
import { type DType, formatShape, type NdArray, sizeOf, type TypedArray } from '../ndarray.ts';
import { ParamsError } from './errors.ts';

interface DTypeInfo {
  dtype: DType;
  bytes: number;
  make(buffer: ArrayBuffer, byteOffset: number, length: number): TypedArray;
}

/** descr (without byte-order char) → our dtype. Byte order is checked separately. */
const DTYPES: Record<string, DTypeInfo> = {
  f4: { dtype: 'float32', bytes: 4, make: (b, o, n) => new Float32Array(b, o, n) },
  f2: { dtype: 'float16', bytes: 2, make: (b, o, n) => new Uint16Array(b, o, n) },
  f8: { dtype: 'float64', bytes: 8, make: (b, o, n) => new Float64Array(b, o, n) },
  i1: { dtype: 'int8', bytes: 1, make: (b, o, n) => new Int8Array(b, o, n) },
  i2: { dtype: 'int16', bytes: 2, make: (b, o, n) => new Int16Array(b, o, n) },
  i4: { dtype: 'int32', bytes: 4, make: (b, o, n) => new Int32Array(b, o, n) },
  i8: { dtype: 'int64', bytes: 8, make: (b, o, n) => new BigInt64Array(b, o, n) },
  u1: { dtype: 'uint8', bytes: 1, make: (b, o, n) => new Uint8Array(b, o, n) },
  b1: { dtype: 'bool', bytes: 1, make: (b, o, n) => new Uint8Array(b, o, n) },
};

const DESCR_OF: Record<DType, string> = {
  float32: '<f4',
  float16: '<f2',
  float64: '<f8',
  int8: '|i1',
  int16: '<i2',
  int32: '<i4',
  int64: '<i8',
  uint8: '|u1',
  bool: '|b1',
};

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93 N U M P Y

export function bytesPerElement(dtype: DType): number {
  return DTYPES[DESCR_OF[dtype].slice(1)].bytes;
}

export interface NpyHeader {
  dtype: DType;
  shape: number[];
  /** Byte offset of the array data from the start of the .npy bytes. */
  dataOffset: number;
  /** Byte length of the array data. */
  dataBytes: number;
}

/** Parse the header only; needs the first `dataOffset` bytes (≤ 10 + header length). */
export function parseNpyHeader(bytes: Uint8Array, name = '<npy>'): NpyHeader {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new ParamsError('bad-npy', `${name}: not a .npy array (missing \\x93NUMPY magic)`);
  }
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let start: number;
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    start = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new ParamsError('truncated', `${name}: .npy header is truncated`);
    headerLen = view.getUint32(8, true);
    start = 12;
  } else {
    throw new ParamsError('bad-npy', `${name}: unsupported .npy format version ${major}.${bytes[7]}`);
  }
  if (bytes.length < start + headerLen) {
    throw new ParamsError(
      'truncated',
      `${name}: .npy header is truncated (${bytes.length} of ${start + headerLen} bytes)`,
    );
  }
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(
    bytes.subarray(start, start + headerLen),
  );

  const descrMatch = /'descr'\s*:\s*'([^']*)'/.exec(text);
  if (!descrMatch) {
    const structured = /'descr'\s*:\s*\[/.test(text);
    throw new ParamsError(
      'unsupported-dtype',
      `${name}: unsupported dtype ${structured ? '(structured/record array)' : `(header ${text.trim()})`}`,
    );
  }
  const descr = descrMatch[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text);
  if (!fortran) throw new ParamsError('bad-npy', `${name}: .npy header has no fortran_order: ${text.trim()}`);
  const shapeMatch = /'shape'\s*:\s*\(([^)]*)\)/.exec(text);
  if (!shapeMatch) throw new ParamsError('bad-npy', `${name}: .npy header has no shape: ${text.trim()}`);
  const shape = shapeMatch[1]
    .split(',')
    .map((s) => s.trim().replace(/L$/, ''))
    .filter((s) => s.length > 0)
    .map((s) => {
      const n = Number(s);
      if (!Number.isInteger(n) || n < 0) throw new ParamsError('bad-npy', `${name}: bad shape entry '${s}'`);
      return n;
    });

  const order = descr[0];
  const code = descr.slice(1);
  const info = DTYPES[code];
  if (!info || !'<>|='.includes(order)) {
    throw new ParamsError(
      'unsupported-dtype',
      `${name}: unsupported dtype '${descr}' (supported: <f4, <f2, <f8, <i4, <i8, <i2, |i1, |u1, |b1)`,
    );
  }
  if (order === '>' && info.bytes > 1) {
    throw new ParamsError(
      'big-endian',
      `${name}: big-endian dtype '${descr}' is not supported; save it little-endian`,
    );
  }
  if (fortran[1] === 'True' && shape.filter((d) => d > 1).length > 1) {
    throw new ParamsError(
      'fortran-order',
      `${name}: fortran_order=True arrays are not supported (shape ${formatShape(shape)}); save with np.ascontiguousarray`,
    );
  }
  return { dtype: info.dtype, shape, dataOffset: start + headerLen, dataBytes: sizeOf(shape) * info.bytes };
}

/**
 * Parse a whole `.npy`. The returned array views `bytes` when its data is aligned for the dtype
 * (no copy), otherwise it is copied once into a fresh buffer.
 */
export function parseNpy(bytes: Uint8Array, name = '<npy>'): NdArray {
  const h = parseNpyHeader(bytes, name);
  if (bytes.length < h.dataOffset + h.dataBytes) {
    throw new ParamsError(
      'truncated',
      `${name}: .npy data is truncated (${bytes.length - h.dataOffset} of ${h.dataBytes} bytes)`,
    );
  }
  const info = DTYPES[DESCR_OF[h.dtype].slice(1)];
  const n = sizeOf(h.shape);
  const offset = bytes.byteOffset + h.dataOffset;
  let data: TypedArray;
  if (offset % info.bytes === 0) {
    data = info.make(bytes.buffer as ArrayBuffer, offset, n);
  } else {
    // Not bytes.slice(): on a Node Buffer that is a view, not a copy.
    const copy = new Uint8Array(h.dataBytes);
    copy.set(bytes.subarray(h.dataOffset, h.dataOffset + h.dataBytes));
    data = info.make(copy.buffer, 0, n);
  }
  return { dtype: h.dtype, shape: h.shape, data };
}

/** Encode a v1.0 header (v2.0 if it would not fit), padded so the data starts 64-byte aligned. */
export function encodeNpyHeader(dtype: DType, shape: readonly number[]): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '${DESCR_OF[dtype]}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  let prefix = 10;
  let total = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  if (total - prefix > 0xffff) {
    prefix = 12;
    total = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  }
  const out = new Uint8Array(total);
  out.set(MAGIC, 0);
  out[6] = prefix === 10 ? 1 : 2;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (prefix === 10) view.setUint16(8, total - prefix, true);
  else view.setUint32(8, total - prefix, true);
  const padded = dict.padEnd(total - prefix - 1, ' ') + '\n';
  for (let i = 0; i < padded.length; i++) out[prefix + i] = padded.charCodeAt(i);
  return out;
}

/** The raw bytes of an array's data (a view, no copy). Assumes a little-endian host. */
export function dataBytes(a: NdArray): Uint8Array {
  const expected = sizeOf(a.shape);
  if (a.data.length !== expected) {
    throw new ParamsError(
      'wrong-shape',
      `array of shape ${formatShape(a.shape)} needs ${expected} values but has ${a.data.length}`,
    );
  }
  return new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength);
}

/** Encode a whole `.npy` (header + data) into one new buffer. */
export function encodeNpy(a: NdArray): Uint8Array {
  const header = encodeNpyHeader(a.dtype, a.shape);
  const body = dataBytes(a);
  const out = new Uint8Array(header.length + body.length);
  out.set(header, 0);
  out.set(body, header.length);
  return out;
}
