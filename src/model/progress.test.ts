import { describe, expect, it } from 'vitest';
import { etaMs, foldFraction, MonotoneFraction } from './progress.ts';

describe('foldFraction', () => {
  it('runs from 0 to 1 over iterations and stages', () => {
    expect(foldFraction({ stage: 'input_embedding', recycle: 0, numRecycles: 3 })).toBe(0);
    expect(foldFraction({ stage: 'done', recycle: 3, numRecycles: 3 })).toBe(1);
    const mid = foldFraction({ stage: 'evoformer', recycle: 1, numRecycles: 3, block: 24, blocks: 48 });
    expect(mid).toBeCloseTo((1 + 0.2 + 0.72 * 0.5) / 4, 10);
  });

  it('is monotone over an ordered stream of stages', () => {
    const stages = [
      'input_embedding',
      'recycling',
      'extra_msa_stack',
      'evoformer',
      'structure_module',
    ] as const;
    let last = -1;
    for (let r = 0; r <= 2; r++) {
      for (const stage of stages) {
        for (let b = 0; b <= 4; b++) {
          const f = foldFraction({ stage, recycle: r, numRecycles: 2, block: b, blocks: 4 });
          expect(f).toBeGreaterThanOrEqual(last - 1e-12);
          last = f;
        }
      }
    }
    expect(foldFraction({ stage: 'heads', recycle: 2, numRecycles: 2 })).toBe(1);
  });

  it('clamps block counts beyond the stage', () => {
    expect(foldFraction({ stage: 'evoformer', recycle: 0, numRecycles: 0, block: 9, blocks: 4 })).toBeCloseTo(
      0.92,
    );
  });
});

describe('etaMs', () => {
  it('is elapsed × (1 − f) / f', () => {
    expect(etaMs(10_000, 0.25)).toBeCloseTo(30_000);
    expect(etaMs(10_000, 1)).toBe(0);
  });

  it('is undefined while the fraction or elapsed time is too small', () => {
    expect(etaMs(10_000, 0)).toBeUndefined();
    expect(etaMs(10_000, 0.01)).toBeUndefined();
    expect(etaMs(100, 0.5)).toBeUndefined();
    expect(etaMs(10_000, Number.NaN)).toBeUndefined();
  });
});

describe('MonotoneFraction', () => {
  it('never goes back', () => {
    const m = new MonotoneFraction();
    expect(m.next(0.3)).toBe(0.3);
    expect(m.next(0.2)).toBe(0.3);
    expect(m.next(0.5)).toBe(0.5);
  });
});
