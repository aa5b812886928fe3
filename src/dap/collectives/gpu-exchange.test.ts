/** GPU tests: P real Dawn devices in one process exchanging GPU buffers through the collectives. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireDevice } from '../../gpu/device.ts';
import { nodeGpu } from '../../gpu/node.ts';
import { BufferUsage } from '../../gpu/usage.ts';
import { CollectiveError } from './collective.ts';
import { allGatherBufferStart, allToAllBufferStart, ReadbackStaging, watchDevice } from './gpu-exchange.ts';
import { createInProcessGroup } from './in-process.ts';

const P = 3;
let devices: GPUDevice[] = [];

beforeAll(async () => {
  const gpu = await nodeGpu();
  // One device per rank (a fresh adapter each: an adapter gives out one device).
  for (let r = 0; r < P; r++) devices.push((await acquireDevice(gpu, { label: `dap-rank-${r}` })).device);
});

afterAll(() => {
  for (const d of devices) d.destroy();
  devices = [];
});

function storage(device: GPUDevice, data: Float32Array<ArrayBuffer>, label: string): GPUBuffer {
  const b = device.createBuffer({
    label,
    size: data.byteLength,
    usage: BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST,
  });
  device.queue.writeBuffer(b, 0, data);
  return b;
}

async function read(device: GPUDevice, b: GPUBuffer): Promise<Float32Array> {
  const s = new ReadbackStaging(device, 64);
  try {
    return new Float32Array((await s.read(b, 0, b.size)).buffer);
  } finally {
    s.destroy();
  }
}

describe('GPU-buffer collectives over in-process devices', () => {
  it('all-gather: every device ends with every rank part (pieces smaller than a part)', async () => {
    const part = 37; // floats per part: 148 bytes, read back in 64-byte pieces through two stagings
    const g = createInProcessGroup(P);
    const bufs = devices.map((d, r) => {
      const init = new Float32Array(P * part);
      for (let i = 0; i < part; i++) init[r * part + i] = r * 1000 + i;
      return storage(d, init, `gather-${r}`);
    });
    await Promise.all(
      g.ranks.map((c) => {
        const staging = new ReadbackStaging(devices[c.rank], 64);
        return allGatherBufferStart(c, staging, bufs[c.rank], part * 4)
          .wait()
          .finally(() => staging.destroy());
      }),
    );
    const expected = new Float32Array(P * part);
    for (let k = 0; k < P; k++) for (let i = 0; i < part; i++) expected[k * part + i] = k * 1000 + i;
    for (let r = 0; r < P; r++) expect(await read(devices[r], bufs[r])).toEqual(expected);
  });

  it('all-to-all in place: part k of rank r ends as part r of rank k', async () => {
    const part = 16;
    const g = createInProcessGroup(P);
    const bufs = devices.map((d, r) => {
      const init = new Float32Array(P * part);
      for (let k = 0; k < P; k++) for (let i = 0; i < part; i++) init[k * part + i] = r * 10000 + k * 100 + i;
      return storage(d, init, `a2a-${r}`);
    });
    await Promise.all(
      g.ranks.map((c) => {
        const staging = new ReadbackStaging(devices[c.rank]);
        return allToAllBufferStart(c, staging, bufs[c.rank], bufs[c.rank], part * 4)
          .wait()
          .finally(() => staging.destroy());
      }),
    );
    for (let r = 0; r < P; r++) {
      const got = await read(devices[r], bufs[r]);
      for (let k = 0; k < P; k++)
        for (let i = 0; i < part; i++) expect(got[k * part + i]).toBe(k * 10000 + r * 100 + i);
    }
  });

  it('a destroyed device ends the collective on the other ranks with a message naming its rank', async () => {
    const gpu = await nodeGpu();
    const doomed = (await acquireDevice(gpu, { label: 'dap-doomed' })).device;
    const g = createInProcessGroup(2, { timeoutMs: 60_000 });
    watchDevice(doomed, 1, g.lose);
    const waiting = g.ranks[0].allGather(new Uint8Array([1]));
    doomed.destroy();
    const err = await waiting.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CollectiveError);
    expect((err as CollectiveError).rank).toBe(1);
    expect((err as Error).message).toMatch(/rank 1 \(in-process\) lost its GPUDevice \(destroyed/);
  });
});
