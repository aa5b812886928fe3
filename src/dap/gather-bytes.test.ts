import { describe, expect, it } from 'vitest';
import { type GatherBlockShape, gatherBlockBytes } from './gather-bytes.ts';

// m [5, 10, 2], z [10, 10, 3], f32: m is 400 bytes, z 1200 bytes
const shape: GatherBlockShape = {
  nSeq: 5,
  nRes: 10,
  cm: 2,
  cz: 3,
  elementBytes: 4,
  splitMsaTransition: true,
  splitPairTransition: true,
};

describe('gatherBlockBytes', () => {
  it('sends nothing with one rank', () => {
    expect(gatherBlockBytes(shape, 1)).toEqual({ moduleGathers: 0, bytesSentPerRank: [0], bytesSent: 0 });
  });

  it('with P = 2 every rank sends half of each gathered tensor once', () => {
    // m [6, 10, 2] (480 B): 3 gathers; z: 6 gathers; each rank sends its half to the other rank
    const b = gatherBlockBytes({ ...shape, nSeq: 6 }, 2);
    expect(b.moduleGathers).toBe(9);
    expect(b.bytesSentPerRank).toEqual([(3 * 480 + 6 * 1200) / 2, (3 * 480 + 6 * 1200) / 2]);
    expect(b.bytesSent).toBe(3 * 480 + 6 * 1200);
  });

  it('with P = 3 the uneven shares follow the padded split (lines 2+2+1 of 5, 4+4+2 of 10)', () => {
    const b = gatherBlockBytes(shape, 3);
    // rank 0: m rows 2 of 5 (twice) and m columns 4 of 10 (once) and z lines 4 of 10 (6 times), × 2 others
    const rank = (seqs: number, res: number) => 2 * (2 * seqs * 80 + res * 40 + 6 * res * 120);
    expect(b.bytesSentPerRank).toEqual([rank(2, 4), rank(2, 4), rank(1, 2)]);
    // in all: every gathered tensor once, times P − 1
    expect(b.bytesSent).toBe(2 * (3 * 400 + 6 * 1200));
  });

  it('leaves out the transitions that are not split, and counts f16 at 2 bytes', () => {
    const b = gatherBlockBytes(
      { ...shape, nSeq: 6, elementBytes: 2, splitMsaTransition: false, splitPairTransition: false },
      2,
    );
    expect(b.moduleGathers).toBe(7);
    expect(b.bytesSent).toBe((2 * 480 + 5 * 1200) / 2);
  });

  it('with more ranks than lines, the ranks past the end send nothing', () => {
    const b = gatherBlockBytes({ ...shape, nSeq: 2, nRes: 2 }, 4);
    expect(b.bytesSentPerRank[2]).toBe(0);
    expect(b.bytesSentPerRank[3]).toBe(0);
    expect(b.bytesSentPerRank[0]).toBeGreaterThan(0);
  });

  it('refuses a rank count that is not an integer ≥ 1', () => {
    expect(() => gatherBlockBytes(shape, 0)).toThrow(/integer ≥ 1/);
  });
});
