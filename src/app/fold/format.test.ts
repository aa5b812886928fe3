import { describe, expect, it } from 'vitest';
import { describeProgress, formatBytes, formatDuration } from './format.ts';

describe('format', () => {
  it('durations', () => {
    expect(formatDuration(1234)).toBe('1.2 s');
    expect(formatDuration(45_000)).toBe('45 s');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
    expect(formatDuration(Number.NaN)).toBe('—');
  });
  it('bytes', () => {
    expect(formatBytes(776580)).toBe('758.4 KiB');
    expect(formatBytes(373 * 2 ** 20)).toBe('373.0 MiB');
  });
  it('progress', () => {
    expect(
      describeProgress({
        stage: 'evoformer',
        recycle: 1,
        numRecycles: 3,
        block: 12,
        blocks: 48,
        elapsedMs: 0,
        fraction: 0.3,
      }),
    ).toBe('iteration 2 of 4 · Evoformer block 12 of 48');
    expect(describeProgress({ stage: 'params', recycle: 0, numRecycles: 3, elapsedMs: 0, fraction: 0 })).toBe(
      'loading parameters',
    );
  });
});
