import { describe, expect, it } from 'vitest';
import { recycleScores } from './recycle-scores.ts';

describe('per-recycle scores', () => {
  it('rounds like the headline scores and writes null for what was not measured', () => {
    expect(
      recycleScores([
        { recycle: 0, meanPlddt: 41.23456, ms: 1234.5 },
        { recycle: 1, meanPlddt: 43.125, ptm: 0.123456, caDistanceRmsChange: 0.98765, ms: 999.4 },
      ]),
    ).toEqual([
      { recycle: 0, mean_plddt: 41.23, ptm: null, ca_distance_rms_change: null, ms: 1235 },
      { recycle: 1, mean_plddt: 43.12, ptm: 0.1235, ca_distance_rms_change: 0.988, ms: 999 },
    ]);
  });

  it('keeps the key order the scores JSON has always had', () => {
    expect(Object.keys(recycleScores([{ recycle: 0, ms: 1 }])[0])).toEqual([
      'recycle',
      'mean_plddt',
      'ptm',
      'ca_distance_rms_change',
      'ms',
    ]);
  });
});
