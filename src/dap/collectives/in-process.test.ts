import { describe, expect, it } from 'vitest';
import { splitAxis } from '../axis-split.ts';
import { CollectiveError } from './collective.ts';
import { createInProcessGroup } from './in-process.ts';
import { packBlocks, shardOf, unpackBlocks } from './reshard.ts';

const bytes = (...v: number[]) => new Uint8Array(v);

describe('in-process collectives', () => {
  it('all-to-all, all-gather, broadcast and barrier for P = 1..4', async () => {
    for (const P of [1, 2, 3, 4]) {
      const g = createInProcessGroup(P);
      const out = await Promise.all(
        g.ranks.map(async (c) => {
          // Block for rank k from rank r: [r, k, r + k] (sizes differ by destination).
          const a2a = await c.allToAll(
            Array.from({ length: P }, (_, k) => bytes(c.rank, k, c.rank + k).slice(0, 1 + k)),
          );
          const ag = await c.allGather(bytes(10 + c.rank));
          const bc = await c.broadcast(c.rank === P - 1 ? bytes(7, 7) : null, P - 1);
          await c.barrier();
          return { a2a, ag, bc };
        }),
      );
      out.forEach(({ a2a, ag, bc }, r) => {
        expect(a2a.map((b) => [...b])).toEqual(
          Array.from({ length: P }, (_, k) => [k, r, k + r].slice(0, 1 + r)),
        );
        expect(ag.map((b) => b[0])).toEqual(Array.from({ length: P }, (_, k) => 10 + k));
        expect([...bc]).toEqual([7, 7]);
      });
    }
  });

  it("turns the partition's sequence-split m into the residue-split m and back (N_res, N_seq padded)", async () => {
    const P = 3;
    const res = splitAxis(7, P);
    const seq = splitAxis(5, P);
    const shape = [seq.padded, res.padded, 2]; // [N_seq, N_res, c] padded: [6, 9, 2]
    const el = 4;
    const full = new Uint8Array(shape[0] * shape[1] * shape[2] * el);
    for (let i = 0; i < full.length; i++) full[i] = (i * 7 + 3) & 255;
    const g = createInProcessGroup(P);
    const bySeq = [0, 1, 2].map((r) => shardOf(full, shape, el, 0, P, r));
    const seqShard = [seq.perRank, res.padded, 2];
    const resShard = [seq.padded, res.perRank, 2];
    const byRes = await Promise.all(
      g.ranks.map(async (c) => {
        const recv = await c.allToAll(packBlocks(bySeq[c.rank], seqShard, el, 1, P));
        return unpackBlocks(recv, [seq.perRank, res.perRank, 2], el, 0);
      }),
    );
    for (let r = 0; r < P; r++) expect(byRes[r]).toEqual(shardOf(full, shape, el, 1, P, r));
    const back = await Promise.all(
      g.ranks.map(async (c) => {
        const recv = await c.allToAll(packBlocks(byRes[c.rank], resShard, el, 0, P));
        return unpackBlocks(recv, [seq.perRank, res.perRank, 2], el, 1);
      }),
    );
    for (let r = 0; r < P; r++) expect(back[r]).toEqual(bySeq[r]);
  });

  it('overlaps: several collectives in flight, each waited for where needed, results not mixed', async () => {
    const g = createInProcessGroup(2);
    const out = await Promise.all(
      g.ranks.map(async (c) => {
        const h1 = c.allGatherStart(bytes(1, c.rank));
        const h2 = c.allToAllStart([bytes(2, c.rank, 0), bytes(2, c.rank, 1)]);
        let work = 0;
        for (let i = 0; i < 1000; i++) work += i; // independent work between start and wait
        const r2 = await h2.wait();
        const r1 = await h1.wait();
        return { r1: r1.map((b) => [...b]), r2: r2.map((b) => [...b]), work };
      }),
    );
    expect(out[0].r1).toEqual([
      [1, 0],
      [1, 1],
    ]);
    expect(out[1].r2).toEqual([
      [2, 0, 1],
      [2, 1, 1],
    ]);
  });

  it('a rank that disappears fails the others with an error naming it, not a hang', async () => {
    const g = createInProcessGroup(3, { timeoutMs: 60_000 });
    const pending = [0, 1].map((r) => g.ranks[r].allGather(bytes(r)));
    g.lose(2, 'lost its GPUDevice (destroyed)');
    for (const p of pending) {
      const err = await p.catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CollectiveError);
      expect((err as CollectiveError).rank).toBe(2);
      expect((err as CollectiveError).message).toMatch(/rank 2 \(in-process\) lost its GPUDevice/);
    }
    await expect(g.ranks[0].barrier()).rejects.toThrow(/rank 2/);
  });

  it('a silent rank is reported by timeout, naming it', async () => {
    const g = createInProcessGroup(2, { timeoutMs: 50 });
    const err = await g.ranks[0].barrier().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CollectiveError);
    expect((err as CollectiveError).reason).toBe('timeout');
    expect((err as CollectiveError).message).toMatch(/rank 1 \(in-process\) sent nothing for 50 ms/);
  });

  it('rejects bad usage with a clear message', () => {
    const g = createInProcessGroup(2);
    expect(() => g.ranks[0].allToAll([bytes(1)])).toThrow(/needs 2 blocks/);
    expect(() => g.ranks[0].broadcast(null, 0)).toThrow(/needs data on the root/);
    expect(() => g.ranks[0].broadcast(bytes(1), 5)).toThrow(/root 5 is not a rank/);
    expect(() => createInProcessGroup(0)).toThrow(/group size/);
  });
});
