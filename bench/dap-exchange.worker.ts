/**
 * One rank of bench/dap-exchange.ts's shared-memory runs (a Node worker_thread): per run, a
 * barrier, then one all-to-all of `bytes` split in P blocks; posts the milliseconds of each run.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { joinSharedMemoryGroup } from '../src/dap/collectives/shared-memory.ts';

const { sab, rank, bytes, runs } = workerData as {
  sab: SharedArrayBuffer;
  rank: number;
  bytes: number;
  runs: number;
};

async function main() {
  const coll = joinSharedMemoryGroup(sab, rank, { timeoutMs: 120_000 });
  const P = coll.size;
  const block = Math.floor(bytes / P);
  const blocks = Array.from({ length: P }, (_, k) => new Uint8Array(block).fill(k + 1));
  const ms: number[] = [];
  try {
    for (let r = 0; r < runs; r++) {
      await coll.barrier();
      const t0 = performance.now();
      const got = await coll.allToAll(blocks);
      ms.push(performance.now() - t0);
      if (got.some((b, k) => b.length !== block || (k !== rank && b[0] !== rank + 1)))
        throw new Error('bad block');
    }
    await coll.barrier();
    parentPort?.postMessage({ ms });
  } catch (e) {
    parentPort?.postMessage({ error: (e as Error).message });
  } finally {
    coll.close();
  }
}

void main();
