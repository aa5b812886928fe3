import { describe, expect, it } from 'vitest';
import { configFromDims } from '../model/params/config.ts';
import { PRESETS, presetLayout } from '../model/params/presets.ts';
import { buildSchema } from '../model/params/schema.ts';
import { ownerOf, splitAxis, validCount } from './axis-split.ts';
import { allGatherBytes, allToAllBytes, partitionBlock } from './partition.ts';
import type { MsaSplit, PairSplit, PartitionPlan } from './types.ts';

const layout = presetLayout();
const full = configFromDims(PRESETS.full, layout, buildSchema(layout));
const golden = configFromDims(PRESETS.golden, layout, buildSchema(layout));

describe('splitAxis', () => {
  it('covers every position exactly once, pads to a multiple of P, and marks the padding', () => {
    for (const n of [1, 2, 3, 7, 33, 64, 65, 2048]) {
      for (const P of [1, 2, 3, 4, 5, 8]) {
        const s = splitAxis(n, P);
        expect(s.padded % P).toBe(0);
        expect(s.padded).toBeGreaterThanOrEqual(n);
        expect(s.padded - n).toBeLessThan(P);
        const seen = new Array(s.padded).fill(0);
        let real = 0;
        for (const sl of s.slices) {
          expect(sl.end - sl.start).toBe(s.perRank);
          for (let i = sl.start; i < sl.end; i++) {
            seen[i]++;
            expect(ownerOf(s, i)).toBe(sl.rank);
          }
          real += validCount(sl);
          for (let i = sl.start; i < sl.validEnd; i++) expect(i).toBeLessThan(n);
          for (let i = sl.validEnd; i < sl.end; i++) expect(i).toBeGreaterThanOrEqual(n);
        }
        expect(seen.every((c) => c === 1)).toBe(true);
        expect(real).toBe(n);
      }
    }
  });

  it('gives ranks past the end only padding (N_res = 1, P = 4)', () => {
    const s = splitAxis(1, 4);
    expect(s.padded).toBe(4);
    expect(s.slices.map(validCount)).toEqual([1, 0, 0, 0]);
  });

  it('rejects bad sizes and rank counts, naming them', () => {
    expect(() => splitAxis(0, 2, 'N_res')).toThrow(/N_res must be an integer ≥ 1 \(got 0\)/);
    expect(() => splitAxis(5, 0)).toThrow(/P \(ranks\) must be an integer ≥ 1 \(got 0\)/);
    expect(() => splitAxis(5, 1.5)).toThrow(/got 1.5/);
    expect(() => ownerOf(splitAxis(5, 2), 6)).toThrow(/outside the padded axis \[0, 6\)/);
  });
});

/** Walks a block: before each step, applies the all-to-alls waited for there; checks the splits. */
function walk(plan: PartitionPlan): { m: MsaSplit; z: PairSplit } {
  let m: MsaSplit = 'sequences';
  let z: PairSplit = 'rows';
  const apply = (when: (w: string) => boolean) => {
    for (const c of plan.collectives) {
      if (c.kind !== 'all_to_all' || !when(c.waitBefore)) continue;
      if (c.tensor === 'm') {
        expect(c.fromAxis).toBe(m === 'sequences' ? 0 : 1);
        m = c.toAxis === 0 ? 'sequences' : 'residues';
      } else {
        expect(c.fromAxis).toBe(z === 'rows' ? 0 : 1);
        z = c.toAxis === 0 ? 'rows' : 'columns';
      }
    }
  };
  for (const step of plan.steps) {
    apply((w) => w === step.name || w.startsWith(`${step.name}.`));
    if (step.m) expect(m, step.name).toBe(step.m);
    if (step.z) expect(z, step.name).toBe(step.z);
  }
  apply((w) => w.startsWith('next block:'));
  return { m, z };
}

describe('partitionBlock', () => {
  it('switches m and z between splits only through all-to-alls, and ends a block as it began', () => {
    for (const stack of ['evoformer', 'extra_msa'] as const) {
      for (const P of [2, 3, 4]) {
        const plan = partitionBlock(full, stack, { ranks: P, nRes: 100, nSeq: 37, elementBytes: 4 });
        expect(walk(plan)).toEqual({ m: 'sequences', z: 'rows' });
        expect(plan.collectives.filter((c) => c.kind === 'all_to_all' && c.tensor === 'z')).toHaveLength(4);
        expect(plan.collectives.filter((c) => c.kind === 'all_to_all' && c.tensor === 'm')).toHaveLength(2);
        expect(plan.collectives.filter((c) => c.kind === 'all_gather')).toHaveLength(6);
      }
    }
  });

  it('uses global column attention (Algorithm 19) in the extra-MSA stack only', () => {
    const e = partitionBlock(full, 'extra_msa', { ranks: 2, nRes: 8, nSeq: 8, elementBytes: 4 });
    const m = partitionBlock(full, 'evoformer', { ranks: 2, nRes: 8, nSeq: 8, elementBytes: 4 });
    expect(e.steps.map((s) => s.name)).toContain('msa_column_global_attention');
    expect(m.steps.map((s) => s.name)).toContain('msa_column_attention');
    expect(e.m.shape[2]).toBe(full.c_e);
    expect(m.m.shape[2]).toBe(full.c_m);
  });

  it('pads N_res and N_seq up to multiples of P, and shards are 1/P of the padded tensors', () => {
    const plan = partitionBlock(golden, 'evoformer', { ranks: 3, nRes: 35, nSeq: 10, elementBytes: 4 });
    expect(plan.residues.padded).toBe(36);
    expect(plan.sequences.padded).toBe(12);
    expect(plan.m.shape).toEqual([12, 36, golden.c_m]);
    expect(plan.shards.m.sequences).toEqual([4, 36, golden.c_m]);
    expect(plan.shards.m.residues).toEqual([12, 12, golden.c_m]);
    expect(plan.shards.z.rows).toEqual([12, 36, golden.c_z]);
    expect(plan.shards.z.columns).toEqual([36, 12, golden.c_z]);
  });

  it('counts the bytes exchanged per block from the collectives (full model, L = 2048, P = 4, f32)', () => {
    const P = 4;
    const plan = partitionBlock(full, 'evoformer', { ranks: P, nRes: 2048, nSeq: 512, elementBytes: 4 });
    const L = 2048;
    const S = 512;
    const ev = full.evoformer;
    // Hand count: 2 all-to-alls of m, 4 of z; gathers of 3 biases, 2 triangle projections, 1 OPM projection.
    const a2a = (2 * S * L * full.c_m + 4 * L * L * full.c_z) * 4 * ((P - 1) / P);
    const gathered =
      L * L * (ev.msaRowAttentionWithPairBias.heads + ev.triangleAttentionStartingNode.heads) +
      L * L * ev.triangleAttentionEndingNode.heads +
      L * ev.outerProductMeanHidden * S +
      L * L * (ev.triangleMultiplicationOutgoingHidden + ev.triangleMultiplicationIncomingHidden);
    const ag = gathered * 4 * (P - 1);
    expect(plan.perBlock.allToAllBytesTotal).toBe(a2a);
    expect(plan.perBlock.allGatherBytesTotal).toBe(ag);
    expect(plan.perBlock.bytesTotal).toBe(a2a + ag);
    expect(plan.perBlock.bytesPerRank * P).toBe(plan.perBlock.bytesTotal);
    // 4 z all-to-alls at L = 2048 are 4 × 2 GiB × 3/4 = 6 GiB.
    expect(4 * L * L * full.c_z * 4 * 0.75).toBe(6 * 2 ** 30);
  });

  it('needs no exchange on one rank, and f16 halves the bytes', () => {
    const one = partitionBlock(full, 'evoformer', { ranks: 1, nRes: 64, nSeq: 16, elementBytes: 4 });
    expect(one.collectives).toEqual([]);
    expect(one.perBlock.bytesTotal).toBe(0);
    const f32 = partitionBlock(full, 'evoformer', { ranks: 2, nRes: 64, nSeq: 16, elementBytes: 4 });
    const f16 = partitionBlock(full, 'evoformer', { ranks: 2, nRes: 64, nSeq: 16, elementBytes: 2 });
    expect(f16.perBlock.bytesTotal * 2).toBe(f32.perBlock.bytesTotal);
  });

  it('every all-gather is started before it is waited for, with overlap work named', () => {
    const plan = partitionBlock(full, 'evoformer', { ranks: 2, nRes: 64, nSeq: 16, elementBytes: 4 });
    for (const c of plan.collectives.filter((x) => x.kind === 'all_gather')) {
      expect(c.startAfter).not.toBe(c.waitBefore);
      expect(c.overlapWith.length, c.id).toBeGreaterThan(0);
    }
  });

  it('byte formulas: all-to-all keeps 1/P local, all-gather sends the shard to P − 1 peers', () => {
    expect(allToAllBytes(16, 4, 4)).toEqual({ bytesPerRank: 12, bytesTotal: 48 });
    expect(allGatherBytes(16, 4, 4)).toEqual({ bytesPerRank: 48, bytesTotal: 192 });
    expect(allToAllBytes(16, 1, 4).bytesTotal).toBe(0);
  });

  it('rejects a bad element size', () => {
    expect(() => partitionBlock(full, 'evoformer', { ranks: 2, nRes: 8, nSeq: 8, elementBytes: 3 })).toThrow(
      /elementBytes must be 2 \(f16\) or 4 \(f32\) \(got 3\)/,
    );
  });
});
