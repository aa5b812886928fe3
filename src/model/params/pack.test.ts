import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { floatToHalfBits, fromHalf, halfBitsToFloat, toHalf } from './f16.ts';
import { openNpz } from './npz.ts';
import { decodePack, encodePack, PACK_ALIGNMENT, readPackHeader } from './pack.ts';
import { bufferSource } from './source.ts';

function sameBytes(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return (
    Buffer.compare(
      new Uint8Array(a.buffer, a.byteOffset, a.byteLength),
      new Uint8Array(b.buffer, b.byteOffset, b.byteLength),
    ) === 0
  );
}

async function goldenNpz() {
  return openNpz(bufferSource(readFileSync('test/fixtures/golden/params.npz'), 'params.npz'));
}

describe('f16', () => {
  it('converts exactly representable values and rounds to nearest even', () => {
    for (const [v, bits] of [
      [0, 0],
      [1, 0x3c00],
      [-2, 0xc000],
      [65504, 0x7bff],
      [2 ** -24, 0x0001],
      [1e6, 0x7c00],
      [1 + 2 ** -11, 0x3c00], // tie → even
      [1 + 3 * 2 ** -11, 0x3c02], // tie → even (up)
    ] as const) {
      expect(floatToHalfBits(v)).toBe(bits);
    }
    expect(Number.isNaN(halfBitsToFloat(floatToHalfBits(Number.NaN)))).toBe(true);
    const xs = new Float32Array([0.1, -3.75, 1234.5, 1e-5]);
    const back = fromHalf(toHalf(xs));
    for (let i = 0; i < xs.length; i++) {
      expect(Math.abs(back[i] - xs[i])).toBeLessThanOrEqual(Math.abs(xs[i]) * 2 ** -11 + 2 ** -24);
    }
  });
});

describe('runtime pack', () => {
  it('f32 round-trips the golden params bit-exactly, 256-byte aligned, streamed from the npz', async () => {
    const npz = await goldenNpz();
    const infos = await npz.infos();
    const blob = await encodePack(infos, npz.arrays(), { meta: { source: 'params.npz' } });
    const { header, arrays } = await decodePack(blob);
    expect(header.precision).toBe('f32');
    expect(header.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(header.meta).toEqual({ source: 'params.npz' });
    expect(arrays.size).toBe(338);
    for (const t of header.tensors) expect(t.offset % PACK_ALIGNMENT).toBe(0);
    for await (const [k, a] of npz.arrays()) {
      const got = arrays.get(k);
      expect(got?.shape).toEqual(a.shape);
      expect(sameBytes(got?.data as Float32Array, a.data as Float32Array)).toBe(true);
    }
  });

  it('is deterministic, and the content hash changes with the content', async () => {
    const npz = await goldenNpz();
    const infos = await npz.infos();
    const a = await encodePack(infos, npz.arrays());
    const b = await encodePack(infos, npz.arrays());
    expect(sameBytes(a, b)).toBe(true);
    const h16 = readPackHeader(await encodePack(infos, npz.arrays(), { precision: 'f16' }));
    expect(h16.sha256).not.toBe(readPackHeader(a).sha256);
  });

  it('f16 halves the payload and stays within f16 rounding', async () => {
    const npz = await goldenNpz();
    const infos = await npz.infos();
    const blob = await encodePack(infos, npz.arrays(), { precision: 'f16' });
    const { header, arrays } = await decodePack(blob);
    expect(
      header.tensors.every(
        (t) => t.dtype === 'float16' && t.byteLength === 2 * t.shape.reduce((x, y) => x * y, 1),
      ),
    ).toBe(true);
    for await (const [k, a] of npz.arrays()) {
      const h = arrays.get(k);
      expect(h?.data).toBeInstanceOf(Uint16Array);
      const back = fromHalf(h?.data as Uint16Array);
      const ref = a.data as Float32Array;
      let worst = 0;
      for (let i = 0; i < ref.length; i++) {
        worst = Math.max(worst, Math.abs(back[i] - ref[i]) - (Math.abs(ref[i]) * 2 ** -11 + 2 ** -24));
      }
      expect(worst).toBeLessThanOrEqual(0);
    }
  });

  it('detects corrupt tensors, a corrupt header, truncation and foreign files', async () => {
    const npz = await goldenNpz();
    const blob = await encodePack(await npz.infos(), npz.arrays());
    const t = readPackHeader(blob).tensors[5];
    const bad = blob.slice();
    bad[t.offset + 3] ^= 1;
    await expect(decodePack(bad, { name: 'cache.wfp' })).rejects.toThrow(
      `cache.wfp: tensor ${t.key} is corrupt (SHA-256 mismatch)`,
    );
    await expect(decodePack(bad, { verify: false })).resolves.toBeDefined();
    const hdr = blob.slice();
    const json = new TextDecoder().decode(hdr.subarray(16, 200));
    const i = json.indexOf('"alignment":256');
    hdr[16 + i + 14] = '7'.charCodeAt(0); // "alignment":256 → 257, same length
    await expect(decodePack(hdr, { name: 'h.wfp' })).rejects.toThrow(
      'h.wfp: pack header is corrupt (content hash mismatch)',
    );
    await expect(decodePack(blob.subarray(0, blob.length - 300), { name: 'cut.wfp' })).rejects.toThrow(
      /cut\.wfp: pack is truncated/,
    );
    await expect(decodePack(new Uint8Array(64), { name: 'z' })).rejects.toThrow(
      /z: not a webfold params pack/,
    );
  });

  it('decodes from an unaligned copy', async () => {
    const npz = await goldenNpz();
    const blob = await encodePack(await npz.infos(), npz.arrays());
    const shifted = new Uint8Array(blob.length + 1);
    shifted.set(blob, 1);
    const { arrays } = await decodePack(shifted.subarray(1));
    expect(arrays.size).toBe(338);
  });
});
