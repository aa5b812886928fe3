/**
 * The fold worker's part of a fold over tabs, with the real tab transport (Node's BroadcastChannel,
 * Web Locks from the fixture): the job travels from the coordinating tab to the helping one, both
 * fold it as their rank, and a helping tab closed mid-fold stops the coordinating tab's fold with
 * a message naming its rank. The rank fold here only exchanges through the collective (the real
 * engine folds in e2e/dap-fold.spec.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Collective } from '../dap/collectives/collective.ts';
import { closeFixtureTabs, LockRegistry, fixtureTab as tab } from '../dap/collectives/web-locks.fixture.ts';
import type { HelperEvent } from './dap-api.ts';
import { foldOverTabs, helpOverTabs, type RankFold } from './dap-tabs.ts';
import type { FoldJob, FoldProgressEvent, FoldResult } from './fold-api.ts';

afterEach(closeFixtureTabs);

const job: FoldJob = {
  id: 'job-1',
  name: 'golden query',
  fasta: '>q\nMKTAYIAK',
  settings: { paramsId: 'demo', recycles: 1, seed: 0, msaSampling: 'none', precision: 'f32', tabs: 2 },
};

/** A rank's "fold": every rank all-gathers its rank and the job's sequence, then returns them. */
function gatheringFold(seen: { rank: number; job: FoldJob }[]): RankFold {
  return async (j: FoldJob, coll: Collective, onProgress: (p: FoldProgressEvent) => void) => {
    seen.push({ rank: coll.rank, job: j });
    onProgress({ stage: 'evoformer', recycle: 0, numRecycles: 1, elapsedMs: 1, fraction: 0.5 });
    const all = await coll.allGather(new Uint8Array([coll.rank]));
    return { ranks: all.map((b) => b[0]) } as unknown as FoldResult;
  };
}

describe('a fold over tabs (fold worker side)', () => {
  it('sends the job to the invited tab; both fold it as ranks 0 and 1 and report their rank', async () => {
    const registry = new LockRegistry();
    const [a, b] = [tab(registry, 'a'), tab(registry, 'b')];
    const seen: { rank: number; job: FoldJob }[] = [];
    const progress: FoldProgressEvent[] = [];
    const events: HelperEvent[] = [];
    const coordinating = foldOverTabs(job, 2, gatheringFold(seen), (p) => progress.push(p), a.env);
    const helping = helpOverTabs(
      { job: 'job-1', size: 2 },
      gatheringFold(seen),
      (e) => events.push(e),
      b.env,
    );
    const [result, helped] = await Promise.all([coordinating, helping]);
    expect((result as unknown as { ranks: number[] }).ranks).toEqual([0, 1]);
    expect(seen.map((s) => s.job).every((j) => JSON.stringify(j) === JSON.stringify(job))).toBe(true);
    expect(helped).toMatchObject({ jobName: 'golden query', rank: 1, size: 2 });
    expect(progress[0]).toMatchObject({ stage: 'joining', dap: { transport: 'tabs', phase: 'joining' } });
    expect(progress.at(-1)).toMatchObject({ stage: 'evoformer', dap: { phase: 'folding', rank: 0 } });
    expect(events.map((e) => e.phase)).toEqual(['joining', 'folding', 'folding', 'done']);
    expect(events[2].progress?.fraction).toBe(0.5);
  });

  it('a helping tab closed mid-fold stops the coordinating tab with a message naming rank 1', async () => {
    const registry = new LockRegistry();
    const [a, b] = [tab(registry, 'a'), tab(registry, 'b')];
    let helperFolding: () => void = () => undefined;
    const folding = new Promise<void>((r) => {
      helperFolding = r;
    });
    const coordinating = foldOverTabs(job, 2, gatheringFold([]), undefined, a.env);
    coordinating.catch(() => undefined);
    // The helper joins and takes the job, then never reaches the fold's exchange: its tab closes.
    void helpOverTabs(
      { job: 'job-1', size: 2 },
      () => {
        helperFolding();
        return new Promise<FoldResult>(() => undefined);
      },
      undefined,
      b.env,
    );
    await folding;
    b.close();
    await expect(coordinating).rejects.toThrow(
      /The fold split over 2 tabs stopped: tab rank 1 was lost \(.*rank 1 \(tab\) is gone/,
    );
  });

  it('a group of tabs that all joined from the link has no job and says so', async () => {
    const registry = new LockRegistry();
    const [a, b] = [tab(registry, 'a'), tab(registry, 'b')];
    const invite = { job: 'job-2', size: 2 };
    const results = await Promise.allSettled([
      helpOverTabs(invite, gatheringFold([]), undefined, a.env),
      helpOverTabs(invite, gatheringFold([]), undefined, b.env),
    ]);
    for (const r of results) {
      expect(r.status).toBe('rejected');
      expect(r.status === 'rejected' && String(r.reason)).toMatch(/no tab of this group has the job/);
    }
  });

  it('refuses a job without an id (the id names the tab group)', async () => {
    const a = tab(new LockRegistry(), 'a');
    await expect(
      foldOverTabs({ ...job, id: undefined }, 2, gatheringFold([]), undefined, a.env),
    ).rejects.toThrow(/needs the job id/);
  });
});
