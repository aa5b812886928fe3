import { describe, expect, it } from 'vitest';
import { defaultCounts } from '../../model/features/input.ts';
import type { StoredParams } from '../../worker/fold-api.ts';
import { planForQuery } from '../../worker/gpu-plan.ts';
import {
  CPU_FLOPS_PER_SECOND,
  cpuEstimate,
  FULL_TRUNK,
  formatDuration,
  iterationFlops,
  rateFromBenchmark,
  TRUNK_RATE_PER_BENCHMARK_RATE,
} from './cpu-estimate.ts';
import { formatChunks } from './PlanSection.tsx';
import { planInputFrom, queryKey, rowCounts } from './plan-input.ts';

const settings = { paramsId: 'demo', precision: 'f32' as const };
const demo: StoredParams = {
  id: 'demo',
  name: 'demo',
  source: 'demo.npz',
  bytes: 1,
  storedAt: 0,
  precision: 'f32',
  summary: {
    c_m: 32,
    c_z: 16,
    c_s: 48,
    evoformerBlocks: 2,
    extraMsaBlocks: 2,
    templates: true,
    ptm: true,
    parameterCount: 1,
  },
};

describe('plan input', () => {
  it('counts rows as the fold worker does', () => {
    for (const rows of [1, 2, 100, 512, 513, 2000]) {
      const raw = { numSeq: rows } as Parameters<typeof defaultCounts>[0];
      const d = defaultCounts(raw);
      expect(rowCounts(rows)).toEqual({ nSeq: d.clusters, nExtra: d.extra });
    }
    expect(rowCounts(3000, 64, 128)).toEqual({ nSeq: 64, nExtra: 128 });
  });

  it('reads N_res from the pasted sequence and the model from the selected set', () => {
    expect(planInputFrom({ text: '', alignmentRows: undefined, settings }, undefined).status).toBe('empty');
    expect(planInputFrom({ text: 'MK1A', alignmentRows: undefined, settings }, undefined).status).toBe(
      'invalid',
    );
    const p = planInputFrom({ text: '>q\nMKTAYIAK\n', alignmentRows: 600, settings }, demo);
    expect(p.status).toBe('ok');
    if (p.status !== 'ok') return;
    expect(p.query).toMatchObject({
      nRes: 8,
      nSeq: 512,
      nExtra: 88,
      precision: 'f32',
      model: { name: 'demo' },
    });
    expect(queryKey(p.query)).not.toBe(queryKey({ ...p.query, precision: 'f16' }));
  });
});

describe('plan in the worker (pure)', () => {
  it('plans the full model without a parameter set, with peak memory and the largest buffer', () => {
    const out = planForQuery({ nRes: 64, nSeq: 1, nExtra: 1, precision: 'f32' }, undefined);
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(out.model).toContain('full');
    expect(out.peak.bytes).toBeGreaterThan(out.weightsBytes);
    expect(out.largestBuffer.bytes).toBeLessThanOrEqual(out.maxStorageBufferBindingSize);
    expect(out.modules.length).toBeGreaterThan(0);
  });

  it('plans the demo set with its own (golden) sizes, exactly', () => {
    const out = planForQuery(
      { nRes: 30, nSeq: 1, nExtra: 1, precision: 'f32', model: { name: 'demo', summary: demo.summary } },
      undefined,
    );
    expect(out).toMatchObject({ ok: true, model: 'demo', approximate: false });
  });

  it('returns the PlanError with its numbers when a limit is too small', () => {
    const limits = { maxStorageBufferBindingSize: 1 << 20, maxBufferSize: 1 << 20 } as never;
    const adapter = {
      vendor: 'x',
      architecture: '',
      device: '',
      description: '',
      isFallbackAdapter: false,
      features: [],
      limits,
    };
    const out = planForQuery({ nRes: 2000, nSeq: 512, nExtra: 1024, precision: 'f32' }, adapter);
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(out.message).toMatch(/cannot plan/);
    expect(out.needed).toBeGreaterThan(out.limit ?? Number.POSITIVE_INFINITY);
  });
});

describe('CPU estimate', () => {
  it('grows with N_res and iterations and is shown as a range', () => {
    const a = cpuEstimate(FULL_TRUNK, { nRes: 50, nSeq: 1, nExtra: 1 }, 1);
    const b = cpuEstimate(FULL_TRUNK, { nRes: 100, nSeq: 1, nExtra: 1 }, 1);
    expect(b.seconds).toBeGreaterThan(3 * a.seconds);
    expect(cpuEstimate(FULL_TRUNK, { nRes: 50, nSeq: 1, nExtra: 1 }, 4).seconds).toBeCloseTo(4 * a.seconds);
    expect(a.low).toBeLessThan(a.seconds);
    expect(a.high).toBeGreaterThan(a.seconds);
    expect(a.seconds).toBeCloseTo(iterationFlops(FULL_TRUNK, 50, 1, 1) / CPU_FLOPS_PER_SECOND);
  });

  it('scales with the rate measured on this computer', () => {
    const sizes = { nRes: 120, nSeq: 1, nExtra: 1 };
    const measured = rateFromBenchmark(8e8);
    expect(measured).toBeCloseTo(8e8 * TRUNK_RATE_PER_BENCHMARK_RATE);
    const fast = cpuEstimate(FULL_TRUNK, sizes, 1, measured);
    const slow = cpuEstimate(FULL_TRUNK, sizes, 1, measured / 2);
    expect(slow.seconds).toBeCloseTo(2 * fast.seconds);
    expect(fast.seconds).toBeCloseTo(fast.flops / measured);
    expect(() => rateFromBenchmark(0)).toThrow(/positive/);
    expect(() => rateFromBenchmark(Number.NaN)).toThrow(/positive/);
  });

  it('formats durations', () => {
    expect(formatDuration(0.2)).toBe('< 1 s');
    expect(formatDuration(42)).toBe('42 s');
    expect(formatDuration(300)).toBe('5.0 min');
    expect(formatDuration(7200)).toBe('2.0 h');
  });

  it('formats chunk sizes with their loop counts', () => {
    expect(formatChunks({ rows: 16, queries: 64 }, { rows: 4, queries: 1 })).toBe('rows 16 ×4, queries 64');
  });
});
