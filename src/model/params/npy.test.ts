import { describe, expect, it } from 'vitest';
import type { ParamsError } from './errors.ts';
import { encodeNpy, encodeNpyHeader, parseNpy, parseNpyHeader } from './npy.ts';

/** A raw .npy with an arbitrary header dict text and version. */
function rawNpy(dict: string, body: Uint8Array, major = 1): Uint8Array {
  const prefix = major === 1 ? 10 : 12;
  const total = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  const out = new Uint8Array(total + body.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const v = new DataView(out.buffer);
  if (major === 1) v.setUint16(8, total - prefix, true);
  else v.setUint32(8, total - prefix, true);
  const text = `${dict.padEnd(total - prefix - 1, ' ')}\n`;
  out.set(new TextEncoder().encode(text), prefix);
  out.set(body, total);
  return out;
}

function bytesOf(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

describe('npy', () => {
  it('parses v1, v2 and v3 headers', () => {
    const body = bytesOf(new Float32Array([1, 2, 3, 4, 5, 6]));
    for (const major of [1, 2, 3]) {
      const a = parseNpy(rawNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", body, major));
      expect(a.dtype).toBe('float32');
      expect(a.shape).toEqual([2, 3]);
      expect([...a.data]).toEqual([1, 2, 3, 4, 5, 6]);
    }
  });

  it('reads every supported dtype', () => {
    const cases: [string, ArrayBufferView, string][] = [
      ['<f4', new Float32Array([1.5, -2]), 'float32'],
      ['<f2', new Uint16Array([0x3c00, 0xc000]), 'float16'],
      ['<f8', new Float64Array([1.25, 3]), 'float64'],
      ['<i4', new Int32Array([-7, 9]), 'int32'],
      ['<i8', new BigInt64Array([-7n, 9n]), 'int64'],
      ['<i2', new Int16Array([-7, 9]), 'int16'],
      ['|i1', new Int8Array([-7, 9]), 'int8'],
      ['|u1', new Uint8Array([7, 250]), 'uint8'],
      ['|b1', new Uint8Array([1, 0]), 'bool'],
    ];
    for (const [descr, data, dtype] of cases) {
      const a = parseNpy(
        rawNpy(`{'descr': '${descr}', 'fortran_order': False, 'shape': (2,), }`, bytesOf(data)),
      );
      expect(a.dtype).toBe(dtype);
      expect([...(a.data as ArrayLike<number | bigint> & Iterable<number | bigint>)]).toEqual([
        ...(data as unknown as Iterable<number | bigint>),
      ]);
    }
  });

  it('handles scalars and empty arrays', () => {
    expect(
      parseNpy(
        rawNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (), }", bytesOf(new Float32Array([3]))),
      ).shape,
    ).toEqual([]);
    expect(
      parseNpy(rawNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 5), }", new Uint8Array(0))).data
        .length,
    ).toBe(0);
  });

  it('copies unaligned data instead of failing', () => {
    const npy = encodeNpy({ dtype: 'float32', shape: [3], data: new Float32Array([1, 2, 3]) });
    const shifted = new Uint8Array(npy.length + 1);
    shifted.set(npy, 1);
    expect([...parseNpy(shifted.subarray(1)).data]).toEqual([1, 2, 3]);
  });

  it('round-trips through encodeNpy with a 64-byte aligned header', () => {
    const h = encodeNpyHeader('int64', [4, 5, 6]);
    expect(h.length % 64).toBe(0);
    expect(parseNpyHeader(h).shape).toEqual([4, 5, 6]);
    const a = { dtype: 'float64' as const, shape: [2, 2], data: new Float64Array([1, 2, 3, 4]) };
    expect(parseNpy(encodeNpy(a))).toEqual(a);
  });

  it('rejects fortran order naming it', () => {
    const npy = rawNpy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", new Uint8Array(24));
    expect(() => parseNpy(npy, 'w.npy')).toThrow(/w\.npy: fortran_order=True .*\[2, 3\]/);
    try {
      parseNpy(npy);
    } catch (e) {
      expect((e as ParamsError).code).toBe('fortran-order');
    }
  });

  it('rejects big-endian and unsupported dtypes naming the descr', () => {
    expect(() =>
      parseNpy(rawNpy("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", new Uint8Array(8)), 'be'),
    ).toThrow(/be: big-endian dtype '>f4'/);
    expect(() =>
      parseNpy(rawNpy("{'descr': '<c8', 'fortran_order': False, 'shape': (2,), }", new Uint8Array(16)), 'cx'),
    ).toThrow(/cx: unsupported dtype '<c8'/);
    expect(() =>
      parseNpy(rawNpy("{'descr': '<U3', 'fortran_order': False, 'shape': (2,), }", new Uint8Array(24)), 's'),
    ).toThrow(/unsupported dtype '<U3'/);
    expect(() =>
      parseNpy(
        rawNpy("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }", new Uint8Array(8)),
        'r',
      ),
    ).toThrow(/r: unsupported dtype \(structured/);
  });

  it('rejects truncated data and non-npy bytes', () => {
    const npy = encodeNpy({ dtype: 'float32', shape: [8], data: new Float32Array(8) });
    expect(() => parseNpy(npy.subarray(0, npy.length - 4), 'cut.npy')).toThrow(
      /cut\.npy: \.npy data is truncated/,
    );
    expect(() => parseNpy(new TextEncoder().encode('hello world!'), 'txt')).toThrow(/txt: not a \.npy/);
  });
});
