/**
 * A DAP rank in a Node worker_thread, for shared-memory.test.ts: joins the group in the shared
 * memory it was given and runs a scenario, posting what it received (sums per block) or the
 * error it got.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { CollectiveError } from './collective.ts';
import { joinSharedMemoryGroup } from './shared-memory.ts';

interface Data {
  sab: SharedArrayBuffer;
  rank: number;
  scenario: 'exchange' | 'crash';
  blockBytes: number;
  timeoutMs: number;
}

const d = workerData as Data;

/** Block from rank `from` to rank `to`: byte i = (from·31 + to·7 + i) mod 251. */
export function blockFor(from: number, to: number, n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (from * 31 + to * 7 + i) % 251;
  return b;
}

const sum = (b: Uint8Array) => b.reduce((a, x) => a + x, 0);

async function main() {
  const coll = joinSharedMemoryGroup(d.sab, d.rank, { timeoutMs: d.timeoutMs });
  const P = coll.size;
  try {
    const blocks = Array.from({ length: P }, (_, k) => blockFor(d.rank, k, d.blockBytes + k));
    // Two collectives in flight at once, waited for in the other order.
    const hA = coll.allToAllStart(blocks);
    const hG = coll.allGatherStart(blockFor(d.rank, d.rank, 1000 + d.rank));
    const gathered = await hG.wait();
    const recv = await hA.wait();
    const bc = await coll.broadcast(d.rank === 0 ? new Uint8Array([9, 8, 7]) : null, 0);
    await coll.barrier();
    if (d.scenario === 'crash' && d.rank === P - 1) process.exit(3);
    if (d.scenario === 'crash') await coll.allGather(new Uint8Array(8));
    parentPort?.postMessage({
      ok: true,
      recv: recv.map((b) => [b.length, sum(b)]),
      gathered: gathered.map((b) => [b.length, sum(b)]),
      broadcast: [...bc],
    });
  } catch (e) {
    const err = e as CollectiveError;
    parentPort?.postMessage({ ok: false, message: err.message, rank: err.rank, reason: err.reason });
  } finally {
    coll.close();
  }
}

void main();
