import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseSha256, Sha256, sha256OfBlob } from './sha256-stream.ts';

const nodeHex = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function bytes(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

describe('Sha256 (incremental)', () => {
  it('matches the FIPS 180-4 examples', () => {
    expect(new Sha256().hex()).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(new Sha256().update(new TextEncoder().encode('abc')).hex()).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it('equals node:crypto at every length around the block and padding boundaries', () => {
    for (const n of [1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000]) {
      const b = bytes(n, n);
      expect(new Sha256().update(b).hex(), `length ${n}`).toBe(nodeHex(b));
    }
  });

  it('gives the same digest however the input is split into updates', () => {
    const b = bytes(5000);
    for (const step of [1, 3, 63, 64, 65, 777]) {
      const h = new Sha256();
      for (let i = 0; i < b.length; i += step) h.update(b.subarray(i, i + step));
      expect(h.hex(), `step ${step}`).toBe(nodeHex(b));
    }
  });

  it('continues from a saved state as if never interrupted', () => {
    const b = bytes(3000, 9);
    for (const cut of [0, 1, 63, 64, 65, 1000, 2999]) {
      const first = new Sha256().update(b.subarray(0, cut));
      const saved = JSON.parse(JSON.stringify(first.state()));
      expect(Sha256.resume(saved).update(b.subarray(cut)).hex(), `cut at ${cut}`).toBe(nodeHex(b));
    }
    expect(() => Sha256.resume({ h: [1], pending: [], length: 0 })).toThrow(/not a saved hash state/);
    expect(() => Sha256.resume({ ...new Sha256().state(), length: 5 })).toThrow(/not a saved hash state/);
  });

  it('hashes a Blob chunk by chunk with progress', async () => {
    const b = bytes(100_003);
    const seen: number[] = [];
    const hex = await sha256OfBlob(new Blob([b as Uint8Array<ArrayBuffer>]), (d) => seen.push(d), 4096);
    expect(hex).toBe(nodeHex(b));
    expect(seen.at(-1)).toBe(b.length);
    expect(seen.length).toBe(Math.ceil(b.length / 4096));
  });

  it('refuses updates after the digest', () => {
    const h = new Sha256();
    h.hex();
    expect(() => h.update(new Uint8Array(1))).toThrow(/after digest/);
  });

  it('reads a pasted digest or a sha256sum line, and nothing else', () => {
    const d = 'BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD';
    expect(parseSha256(d)).toBe(d.toLowerCase());
    expect(parseSha256(`${d.toLowerCase()}  params_model_1.npz\n`)).toBe(d.toLowerCase());
    expect(parseSha256('not a hash')).toBeUndefined();
    expect(parseSha256(d.slice(0, 63))).toBeUndefined();
  });
});
