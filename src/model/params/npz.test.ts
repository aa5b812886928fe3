import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { NdArray } from '../ndarray.ts';
import { encodeNpy } from './npy.ts';
import { openNpz, readNpz } from './npz.ts';
import { encodeNpz, NpzStreamWriter } from './npz-write.ts';
import { blobSource, bufferSource } from './source.ts';
import { fileSource } from './source-node.ts';

const GOLDEN = 'test/fixtures/golden/params.npz';

function sample(): Record<string, NdArray> {
  return {
    'alphafold/x//weights': { dtype: 'float32', shape: [3, 2], data: new Float32Array([1, 2, 3, 4, 5, 6]) },
    ids: { dtype: 'int32', shape: [4], data: new Int32Array([1, -2, 3, -4]) },
    big: { dtype: 'int64', shape: [], data: new BigInt64Array([1n << 40n]) },
    half: { dtype: 'float16', shape: [2], data: new Uint16Array([0x3c00, 0x4000]) },
    mask: { dtype: 'bool', shape: [2, 1], data: new Uint8Array([1, 0]) },
  };
}

function hasNumpy(): boolean {
  try {
    execFileSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('npz reading', () => {
  it('reads the golden params (numpy zip64 local extras) from a file handle', async () => {
    const src = await fileSource(GOLDEN);
    const npz = await openNpz(src);
    expect(npz.keys.length).toBe(338);
    const infos = await npz.infos();
    const w = infos.find((i) => i.key.endsWith('distogram_head/half_logits//weights'));
    expect(w?.shape.length).toBe(2);
    let n = 0;
    for await (const [, a] of npz.arrays()) n += a.data.length;
    expect(n).toBeGreaterThan(0);
    await src.close?.();
  });

  it('reads the same arrays from a buffer, a Blob and a file', async () => {
    const bytes = readFileSync(GOLDEN);
    const a = await readNpz(bufferSource(bytes, 'buf'));
    const b = await readNpz(blobSource(new Blob([bytes])));
    const key = Object.keys(a)[7];
    expect(b[key]).toEqual(a[key]);
  });

  it('reads deflated members (np.savez_compressed style) by streaming inflate', async () => {
    const arrays = sample();
    const files: Record<string, Uint8Array> = {};
    for (const [k, v] of Object.entries(arrays)) files[`${k}.npy`] = encodeNpy(v);
    const zip = zipSync(files, { level: 6 });
    const back = await readNpz(bufferSource(zip, 'c.npz'));
    expect(back).toEqual(arrays);
    const npz = await openNpz(bufferSource(zip, 'c.npz'));
    expect((await npz.infos()).map((i) => i.shape)).toEqual(Object.values(arrays).map((a) => a.shape));
  });
});

describe('npz writing', () => {
  it('encodeNpz round-trips through the reader', async () => {
    const arrays = sample();
    expect(await readNpz(bufferSource(encodeNpz(arrays)))).toEqual(arrays);
  });

  it('NpzStreamWriter produces the same bytes as encodeNpz', async () => {
    const arrays = sample();
    const chunks: Uint8Array[] = [];
    const w = new NpzStreamWriter({ write: (c) => void chunks.push(c.slice()) });
    for (const [k, a] of Object.entries(arrays)) await w.add(k, a);
    const size = await w.finish();
    const joined = new Uint8Array(size);
    let o = 0;
    for (const c of chunks) {
      joined.set(c, o);
      o += c.length;
    }
    expect(joined).toEqual(encodeNpz(arrays));
  });

  it.runIf(hasNumpy())('writes files numpy loads (CRC checked by zipfile)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'webfold-npz-'));
    const path = join(dir, 'a.npz');
    writeFileSync(path, encodeNpz(sample()));
    const out = execFileSync('python3', [
      '-c',
      `import numpy as np, zipfile, json
assert zipfile.ZipFile(${JSON.stringify(path)}).testzip() is None
z = np.load(${JSON.stringify(path)})
print(json.dumps({k: [str(z[k].dtype), list(z[k].shape), z[k].ravel().tolist()] for k in z.files}))`,
    ]).toString();
    expect(JSON.parse(out)).toEqual({
      'alphafold/x//weights': ['float32', [3, 2], [1, 2, 3, 4, 5, 6]],
      ids: ['int32', [4], [1, -2, 3, -4]],
      big: ['int64', [], [2 ** 40]],
      half: ['float16', [2], [1, 2]],
      mask: ['bool', [2, 1], [true, false]],
    });
  });
});

describe('npz errors name the file and member', () => {
  const good = encodeNpz(sample());

  it('truncated zip', async () => {
    const cut = good.subarray(0, Math.floor(good.length * 0.6));
    await expect(openNpz(bufferSource(cut, 'cut.npz'))).rejects.toThrow(/cut\.npz: ZIP archive is truncated/);
    await expect(openNpz(bufferSource(good.subarray(0, 10), 'tiny.npz'))).rejects.toThrow(
      /tiny\.npz: truncated or not/,
    );
    await expect(
      openNpz(bufferSource(new TextEncoder().encode('x'.repeat(100)), 'text.npz')),
    ).rejects.toThrow(/text\.npz: not a ZIP\/npz archive/);
  });

  it('truncated file with intact directory (member past the end)', async () => {
    // Keep the central directory but drop data: move the tail onto a shortened body.
    const npz = await openNpz(bufferSource(good, 'g'));
    expect(npz.keys.length).toBe(5);
    const cdStart = good.length - 22 - (good.length - findCd(good));
    const chopped = new Uint8Array(good.length - 40);
    chopped.set(good.subarray(0, cdStart - 40), 0);
    chopped.set(good.subarray(cdStart), cdStart - 40);
    await expect(openNpz(bufferSource(chopped, 'chop.npz')).then((z) => z.read('mask'))).rejects.toThrow(
      /chop\.npz/,
    );
  });

  it('corrupt member data (CRC mismatch) names the member', async () => {
    const bad = good.slice();
    bad[200] ^= 0xff; // inside the first member's data
    const npz = await openNpz(bufferSource(bad, 'bad.npz'));
    await expect(npz.read('alphafold/x//weights')).rejects.toThrow(
      /bad\.npz: member alphafold\/x\/\/weights\.npy is corrupt \(CRC-32/,
    );
  });

  it('corrupt central directory', async () => {
    const bad = good.slice();
    const cd = findCd(bad);
    bad[cd] = 0; // break the first central-directory signature
    await expect(openNpz(bufferSource(bad, 'cd.npz'))).rejects.toThrow(
      /cd\.npz: corrupt ZIP central directory/,
    );
  });

  it('corrupt deflate stream', async () => {
    const zip = zipSync({
      'a.npy': encodeNpy({ dtype: 'float32', shape: [256], data: new Float32Array(256).fill(3) }),
    });
    const npz0 = await openNpz(bufferSource(zip, 'z'));
    expect(npz0.keys).toEqual(['a']);
    const bad = zip.slice();
    for (let i = 40; i < 60; i++) bad[i] = 0xff;
    await expect(openNpz(bufferSource(bad, 'def.npz')).then((z) => z.read('a'))).rejects.toThrow(
      /def\.npz: member a\.npy is corrupt/,
    );
  });
});

/** Offset of the central directory from the EOCD record. */
function findCd(zip: Uint8Array): number {
  const v = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  return v.getUint32(zip.length - 22 + 16, true);
}
