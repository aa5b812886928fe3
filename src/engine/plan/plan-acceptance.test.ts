/** Issue 5 acceptance numbers for `webfold plan` at model_1_ptm sizes, and budget behaviour. */
import { describe, expect, it } from 'vitest';
import { buildPlan } from './build-plan.ts';
import type { DeviceProfile } from './device-profile.ts';
import { SMALL_DEVICE } from './device-profile.ts';
import { PlanError } from './errors.ts';
import { planModelFromPreset } from './model-source.ts';

const GiB = 2 ** 30;
const MiB = 2 ** 20;
const full = planModelFromPreset('full');
const BIG: DeviceProfile = {
  name: 'large device',
  features: ['shader-f16'],
  limits: { ...SMALL_DEVICE.limits, maxStorageBufferBindingSize: 2 * GiB, maxBufferSize: 4 * GiB },
};

function plan(nRes: number, precision: 'f32' | 'f16', extra: Partial<Parameters<typeof buildPlan>[0]> = {}) {
  return buildPlan({ model: full, sizes: { nRes, nSeq: 512, nExtra: 1024, nTempl: 0 }, precision, ...extra });
}

describe('acceptance: --dims full --msa 512 --extra 1024', () => {
  it('L = 1024 predicts under 2.5 GiB in f32', () => {
    const p = plan(1024, 'f32');
    expect(p.precision.storage).toBe('f32');
    expect(p.peak.bytes).toBeLessThan(2.5 * GiB);
    // z and the pair scratch alone are 2 × 512 MiB; weights ~373 MB.
    expect(p.peak.persistentBytes).toBeGreaterThan(1024 * MiB);
    expect(p.weights.bytes).toBeGreaterThan(372e6);
  });

  it('L = 1024 predicts under 1.5 GiB with f16 storage', () => {
    const p = plan(1024, 'f16');
    expect(p.precision.storage).toBe('f16');
    expect(p.peak.bytes).toBeLessThan(1.5 * GiB);
    expect(p.weights.bytes).toBeLessThan(190e6);
  });

  it('L = 2048 predicts under 4 GiB with f16 storage', () => {
    expect(plan(2048, 'f16').peak.bytes).toBeLessThan(4 * GiB);
  });

  it('every buffer (so every binding) is within 128 MiB on the small-device profile', () => {
    for (const L of [1024, 2048]) {
      for (const prec of ['f32', 'f16'] as const) {
        const p = plan(L, prec);
        expect(p.maxBufferBytes).toBe(128 * MiB);
        for (const b of p.buffers) expect(b.bytes).toBeLessThanOrEqual(128 * MiB);
      }
    }
  });

  it('--max-binding 134217728 caps a large device at 128 MiB', () => {
    const free = plan(1024, 'f32', { device: BIG });
    expect(Math.max(...free.buffers.map((b) => b.bytes))).toBeGreaterThan(128 * MiB);
    const capped = plan(1024, 'f32', { device: BIG, maxBindingBytes: 134217728 });
    for (const b of capped.buffers) expect(b.bytes).toBeLessThanOrEqual(134217728);
  });
});

describe('budget', () => {
  it('shrinks chunks to fit a tight budget', () => {
    const loose = plan(1024, 'f32');
    const budget = loose.peak.bytes - 32 * MiB;
    const tight = plan(1024, 'f32', { budgetBytes: budget });
    expect(tight.peak.bytes).toBeLessThanOrEqual(budget);
    expect(tight.chunkTargetBytes).toBeLessThan(loose.chunkTargetBytes);
  });

  it('refuses a fold that cannot fit, naming the stage, the need and the budget', () => {
    const budget = 1 * GiB;
    let err: unknown;
    try {
      plan(1024, 'f32', { budgetBytes: budget });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PlanError);
    const e = err as PlanError;
    expect(e.limitName).toBe('budget');
    expect(e.limit).toBe(budget);
    expect(e.needed).toBeGreaterThan(budget);
    expect(e.stage).toMatch(/\./);
    expect(e.message).toContain(String(e.needed));
    expect(e.message).toContain(String(budget));
    expect(e.message).toContain(e.stage);
  });

  it('refuses a row wider than the buffer cap', () => {
    expect(() => plan(1024, 'f32', { maxBindingBytes: 64 * 1024 })).toThrow(PlanError);
  });
});

describe('acceptance (issue 7): DAP over --devices P', () => {
  const sizes = { nRes: 2048, nSeq: 512, nExtra: 1024, nTempl: 0 };
  const one = buildPlan({ model: full, sizes });

  it('--dims full --length 2048 --devices 4 predicts a per-rank peak ≤ 35% of the P = 1 plan', () => {
    const four = buildPlan({ model: full, sizes, devices: 4 });
    expect(four.peak.bytes).toBeLessThanOrEqual(0.35 * one.peak.bytes);
    expect(four.dap?.ranks).toBe(4);
  });

  it('plans P = 1 exactly as without devices, and without a dap section', () => {
    const explicit = buildPlan({ model: full, sizes, devices: 1 });
    expect(explicit).toEqual(one);
    expect(one.dap).toBeUndefined();
  });

  it('holds 1/P of z and of the pair scratch per rank, pads N_res, and shrinks the peak with P', () => {
    let previous = one.peak.bytes;
    for (const P of [2, 3, 4]) {
      const p = buildPlan({ model: full, sizes: { ...sizes, nRes: 1001 }, devices: P });
      const padded = Math.ceil(1001 / P) * P;
      const z = p.tensors.find((t) => t.name === 'z');
      expect(z?.shape).toEqual([padded / P, padded, full.config.c_z]);
      expect(p.tensors.find((t) => t.name === 'pair_scratch')?.shape[0]).toBe(padded / P);
      expect(p.dap?.paddedResidues).toBe(padded);
      const atL2048 = buildPlan({ model: full, sizes, devices: P }).peak.bytes;
      expect(atL2048).toBeLessThan(previous);
      previous = atL2048;
    }
  });

  it('reports bytes exchanged per block for both MSA stacks, consistent with the partition', () => {
    const p = buildPlan({ model: full, sizes, devices: 4 });
    const stacks = p.dap?.stacks ?? [];
    expect(stacks.map((s) => s.stack)).toEqual(['extra_msa', 'evoformer']);
    const ev = stacks[1];
    expect(ev.blocks).toBe(full.config.evoformer.blocks);
    // 4 all-to-alls of z per block alone move 4 × (3/4) × 2 GiB (f32, L = 2048).
    expect(ev.partition.perBlock.allToAllBytesTotal).toBeGreaterThan(6 * GiB);
    const sum = stacks.reduce((a, s) => a + s.blocks * s.partition.perBlock.bytesTotal, 0);
    expect(p.dap?.bytesPerRecycle).toBe(sum);
    expect(p.dap?.hostBytesPerRank).toBeGreaterThan(0);
  });

  it('rejects a device count that is not a positive integer, naming it', () => {
    expect(() => buildPlan({ model: full, sizes, devices: 0 })).toThrow(/devices must be an integer ≥ 1/);
  });
});
