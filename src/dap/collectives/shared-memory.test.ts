/** Real worker_threads exchanging through SharedArrayBuffer rings (the browser workers' core). */
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { createSharedGroupMemory, markGone, rankStatus } from './shared-memory.ts';

const boot = new URL('./node-worker-boot.mjs', import.meta.url);
const entry = new URL('./rank-worker.fixture.ts', import.meta.url).href;

interface Result {
  ok: boolean;
  recv?: [number, number][];
  gathered?: [number, number][];
  broadcast?: number[];
  message?: string;
  rank?: number | null;
  reason?: string;
}

function blockSum(from: number, to: number, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += (from * 31 + to * 7 + i) % 251;
  return s;
}

/** Starts P rank workers; the host marks a rank gone when its worker exits, as the page does. */
function runGroup(P: number, scenario: 'exchange' | 'crash', blockBytes: number, ringBytes: number) {
  const sab = createSharedGroupMemory(P, ringBytes);
  const exits: number[] = new Array(P).fill(-1);
  const results = Array.from(
    { length: P },
    (_, rank) =>
      new Promise<Result | null>((resolve, reject) => {
        const w = new Worker(boot, {
          workerData: { entry, sab, rank, scenario, blockBytes, timeoutMs: 60_000 },
        });
        let result: Result | null = null;
        w.on('message', (m: Result) => {
          result = m;
        });
        w.on('error', reject);
        w.on('exit', (code) => {
          exits[rank] = code;
          markGone(sab, rank);
          resolve(result);
        });
      }),
  );
  return { sab, exits, results: Promise.all(results) };
}

describe('shared-memory transport (worker_threads + SharedArrayBuffer)', () => {
  it('P = 3 workers: all-to-all of blocks 40× the ring, all-gather, broadcast, barrier, overlapped', async () => {
    const P = 3;
    const blockBytes = 40 * 4096 + 5;
    const g = runGroup(P, 'exchange', blockBytes, 4096);
    const results = await g.results;
    results.forEach((res, r) => {
      expect(res?.ok, res?.message).toBe(true);
      expect(res?.recv).toEqual(
        Array.from({ length: P }, (_, k) => [blockBytes + r, blockSum(k, r, blockBytes + r)]),
      );
      expect(res?.gathered).toEqual(
        Array.from({ length: P }, (_, k) => [1000 + k, blockSum(k, k, 1000 + k)]),
      );
      expect(res?.broadcast).toEqual([9, 8, 7]);
    });
    expect(rankStatus(g.sab)).toEqual(['gone', 'gone', 'gone']);
  });

  it('a worker that exits mid-fold ends the others with an error naming its rank, not a hang', async () => {
    const P = 3;
    const g = runGroup(P, 'crash', 1000, 1024);
    const results = await g.results;
    expect(g.exits[P - 1]).toBe(3);
    for (let r = 0; r < P - 1; r++) {
      const res = results[r];
      expect(res?.ok).toBe(false);
      expect(res?.rank).toBe(P - 1);
      expect(res?.reason).toBe('lost');
      expect(res?.message).toMatch(/rank 2 \(worker\) is gone/);
    }
  });

  it('refuses bad group parameters', () => {
    expect(() => createSharedGroupMemory(2, 1000)).toThrow(/power of two/);
    expect(() => createSharedGroupMemory(0)).toThrow(/group size/);
  });
});
