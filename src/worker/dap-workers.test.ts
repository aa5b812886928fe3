/**
 * The fold worker's host side of a fold split over rank workers (dap-workers.ts): which result it
 * returns, what message a failure gives, and that every rank worker is ended either way. The rank
 * workers here are scripted (Node has no Web Workers); the real ones fold the golden input in
 * e2e/dap-fold.spec.ts.
 */
import { describe, expect, it } from 'vitest';
import type { RankMessage } from './dap-rank-messages.ts';
import { foldOnWorkerRanks } from './dap-workers.ts';
import type { FoldJob, FoldProgressEvent, FoldResult } from './fold-api.ts';

/** A worker as the host sees it: it receives the join message and the test makes it answer. */
class ScriptedRank extends EventTarget {
  joined: unknown;
  terminated = false;
  postMessage(m: unknown) {
    this.joined = m;
  }
  terminate() {
    this.terminated = true;
  }
  say(m: RankMessage) {
    this.dispatchEvent(new MessageEvent('message', { data: m }));
  }
  crash(message: string) {
    this.dispatchEvent(Object.assign(new Event('error', { cancelable: true }), { message }));
  }
}

const job: FoldJob = {
  fasta: '>q\nMKTAYIAK',
  settings: { paramsId: 'demo', recycles: 0, seed: 0, msaSampling: 'none', precision: 'f32', ranks: 3 },
};

function start(P: number) {
  const ranks: ScriptedRank[] = [];
  const progress: FoldProgressEvent[] = [];
  const result = foldOnWorkerRanks(
    job,
    P,
    (p) => progress.push(p),
    (rank) => {
      ranks[rank] = new ScriptedRank();
      return ranks[rank] as unknown as Worker;
    },
  );
  result.catch(() => undefined);
  return { ranks, progress, result };
}

const foldResult = { engineLabel: 'WebGPU', numRes: 8 } as unknown as FoldResult;
const lostMessage = (rank: number, lost: number) => `DAP rank ${rank}: rank ${lost} (worker) is gone`;

describe('a fold over rank workers (host side)', () => {
  it("gives every rank the job; returns rank 0's result once every rank is done; ends the workers", async () => {
    const { ranks, progress, result } = start(3);
    expect(ranks.map((r) => (r.joined as { rank: number; payload: unknown }).rank)).toEqual([0, 1, 2]);
    expect((ranks[2].joined as { payload: unknown }).payload).toEqual({ job });
    ranks[0].say({
      type: 'progress',
      event: { stage: 'evoformer', recycle: 0, numRecycles: 0, elapsedMs: 5, fraction: 0.4 },
    });
    expect(progress[0]).toMatchObject({
      fraction: 0.4,
      dap: { transport: 'workers', size: 3, rank: 0, phase: 'folding' },
    });
    ranks[0].say({ type: 'result', result: foldResult });
    ranks[2].say({ type: 'done', rank: 2 });
    let settled = false;
    void result.then(() => {
      settled = true;
    });
    await new Promise((r) => setTimeout(r, 0));
    expect(settled).toBe(false); // rank 1 is still folding its share
    ranks[1].say({ type: 'done', rank: 1 });
    await expect(result).resolves.toBe(foldResult);
    expect(ranks.every((r) => r.terminated)).toBe(true);
  });

  it('names the rank whose own error came first, not the ranks that stopped after losing it', async () => {
    const { ranks, result } = start(3);
    ranks[0].say({ type: 'failed', rank: 0, message: lostMessage(0, 2), lostRank: 2 });
    ranks[2].say({ type: 'failed', rank: 2, message: 'GPU device lost', lostRank: null });
    ranks[1].say({ type: 'failed', rank: 1, message: lostMessage(1, 2), lostRank: 2 });
    await expect(result).rejects.toThrow(
      'The fold split over 3 workers stopped: worker rank 2 failed — GPU device lost. Nothing was kept; re-run it.',
    );
    expect(ranks.every((r) => r.terminated)).toBe(true);
  });

  it('a rank worker that crashes (uncaught error, failed load) fails the job naming it', async () => {
    const { ranks, result } = start(2);
    ranks[1].crash('Uncaught RangeError: out of memory');
    await expect(result).rejects.toThrow(
      /worker rank 1 failed — its worker stopped \(worker error: Uncaught RangeError: out of memory\)/,
    );
    expect(ranks.every((r) => r.terminated)).toBe(true);
  });
});
