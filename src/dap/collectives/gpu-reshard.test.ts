/** GPU tests: the partition's all-to-alls on real Dawn devices (one per rank), against host slicing. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireDevice } from '../../gpu/device.ts';
import { nodeGpu } from '../../gpu/node.ts';
import { BufferUsage } from '../../gpu/usage.ts';
import { splitAxis } from '../axis-split.ts';
import { ReadbackStaging } from './gpu-exchange.ts';
import { reshardMsaStart, transposeExchangeStart } from './gpu-reshard.ts';
import { createInProcessGroup } from './in-process.ts';
import { shardOf, transposeBlock } from './reshard.ts';

const P = 3;
let devices: GPUDevice[] = [];

beforeAll(async () => {
  const gpu = await nodeGpu();
  for (let r = 0; r < P; r++) devices.push((await acquireDevice(gpu, { label: `dap-reshard-${r}` })).device);
});

afterAll(() => {
  for (const d of devices) d.destroy();
  devices = [];
});

function upload(d: GPUDevice, bytes: Uint8Array, label: string): GPUBuffer {
  const b = d.createBuffer({
    label,
    size: bytes.length,
    usage: BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST,
  });
  d.queue.writeBuffer(b, 0, new Uint8Array(bytes));
  return b;
}

async function download(d: GPUDevice, b: GPUBuffer): Promise<Uint8Array> {
  const s = new ReadbackStaging(d, 256);
  try {
    return await s.read(b, 0, b.size);
  } finally {
    s.destroy();
  }
}

function randomF32(n: number, seed: number): Uint8Array {
  const f = new Float32Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    f[i] = x / 2 ** 31 - 0.5;
  }
  return new Uint8Array(f.buffer);
}

describe('the partition’s all-to-alls on GPU buffers (P = 3 Dawn devices)', () => {
  it('m: by sequences → by residues → back (N_seq 5, N_res 7 padded to 6 and 9)', async () => {
    const seq = splitAxis(5, P);
    const res = splitAxis(7, P);
    const c = 4;
    const el = 4;
    const shape = [seq.padded, res.padded, c];
    const full = randomF32(shape[0] * shape[1] * c, 7);
    const g = createInProcessGroup(P);
    const bufs = devices.map((d, r) => upload(d, shardOf(full, shape, el, 0, P, r), `m-${r}`));
    const s = { seqPerRank: seq.perRank, resPerRank: res.perRank, channels: c, elementBytes: el };
    const run = (toResidues: boolean) =>
      Promise.all(
        g.ranks.map((coll) => {
          const st = new ReadbackStaging(devices[coll.rank], 64);
          return reshardMsaStart(coll, st, bufs[coll.rank], s, toResidues)
            .wait()
            .finally(() => st.destroy());
        }),
      );
    await run(true);
    for (let r = 0; r < P; r++)
      expect(await download(devices[r], bufs[r])).toEqual(shardOf(full, shape, el, 1, P, r));
    await run(false);
    for (let r = 0; r < P; r++)
      expect(await download(devices[r], bufs[r])).toEqual(shardOf(full, shape, el, 0, P, r));
  });

  it('z: rows of z → rows of zᵀ → rows of z (N_res 8 padded to 9, c_z 3)', async () => {
    const res = splitAxis(8, P);
    const L = res.padded;
    const c = 3;
    const el = 4;
    const shape = [L, L, c];
    const full = randomF32(L * L * c, 11);
    const fullT = transposeBlock(full, L, L, c * el);
    const g = createInProcessGroup(P);
    const bufs = devices.map((d, r) => upload(d, shardOf(full, shape, el, 0, P, r), `z-${r}`));
    const s = { rowsPerRank: res.perRank, channels: c, elementBytes: el };
    const run = () =>
      Promise.all(
        g.ranks.map((coll) => {
          const st = new ReadbackStaging(devices[coll.rank]);
          return transposeExchangeStart(coll, st, bufs[coll.rank], s)
            .wait()
            .finally(() => st.destroy());
        }),
      );
    await run();
    for (let r = 0; r < P; r++)
      expect(await download(devices[r], bufs[r])).toEqual(shardOf(fullT, shape, el, 0, P, r));
    await run();
    for (let r = 0; r < P; r++)
      expect(await download(devices[r], bufs[r])).toEqual(shardOf(full, shape, el, 0, P, r));
  });
});
