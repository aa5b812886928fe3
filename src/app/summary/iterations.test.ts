import { describe, expect, it } from 'vitest';
import { iterationSeries } from './iterations.ts';

describe('per-iteration summary line', () => {
  it('lists pLDDT and pTM per iteration, dashes where one iteration lacks a value', () => {
    expect(
      iterationSeries([
        { recycle: 0, meanPlddt: 41.24, ptm: 0.1234, ms: 10 },
        { recycle: 1, meanPlddt: 43.06, ms: 10 },
        { recycle: 2, meanPlddt: 44.5, ptm: 0.15, ms: 10 },
      ]),
    ).toEqual({ plddt: '41.2 → 43.1 → 44.5', ptm: '0.123 → — → 0.150' });
  });

  it('leaves pTM out when no iteration has one (no pTM head)', () => {
    expect(iterationSeries([{ recycle: 0, meanPlddt: 50, ms: 1 }])).toEqual({ plddt: '50.0' });
    expect(iterationSeries([])).toEqual({ plddt: '' });
  });
});
