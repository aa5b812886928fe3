import { describe, expect, it } from 'vitest';
import { examplePrediction } from './example-structure.ts';
import { AF2_MAX_PAE, paeToAfdb, roundHalfEven, toPaeJson, validatePaeJson } from './pae-json.ts';

describe('PAE JSON (AFDB layout)', () => {
  it('writes one compact object with the square matrix and max PAE', () => {
    const pae = Float32Array.of(0.25, 12.34, 31.7, 0.3);
    const text = toPaeJson(pae, 2);
    expect(text).toBe(
      '[{"predicted_aligned_error":[[0.2,12.3],[31.7,0.3]],"max_predicted_aligned_error":31.75}]',
    );
    expect(validatePaeJson(JSON.parse(text), 2)).toEqual([]);
  });

  it('rounds as numpy does (half to even on the scaled value); decimals 0 gives AFDB integers', () => {
    expect(roundHalfEven(0.25, 1)).toBe(0.2); // 2.5 → 2
    expect(roundHalfEven(0.35, 1)).toBe(0.4); // 3.5 → 4
    expect(roundHalfEven(0.45, 1)).toBe(0.4); // 4.5 → 4 (values checked against numpy)
    expect(roundHalfEven(2.5, 0)).toBe(2);
    expect(roundHalfEven(3.5, 0)).toBe(4);
    expect(roundHalfEven(-0.04, 1)).toBe(0);
    expect(Object.is(roundHalfEven(-0.04, 1), -0)).toBe(false);
    const [entry] = paeToAfdb(Float32Array.of(1.49, 1.5, 2.5, 30.9), 2, { decimals: 0, maxPae: 31 });
    expect(entry.predicted_aligned_error).toEqual([
      [1, 2],
      [2, 31],
    ]);
    expect(entry.max_predicted_aligned_error).toBe(31);
  });

  it('round-trips a real-sized matrix within the rounding step', () => {
    const p = examplePrediction('LSDEDFKAVFGMTRSAFANLPLWKQQNLKKEKGLF');
    const n = p.aatype.length;
    const parsed = JSON.parse(toPaeJson(p.pae!, n));
    expect(validatePaeJson(parsed, n)).toEqual([]);
    const m = parsed[0].predicted_aligned_error as number[][];
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++)
        expect(Math.abs(m[i][j] - p.pae![i * n + j])).toBeLessThanOrEqual(0.05 + 1e-6);
    expect(parsed[0].max_predicted_aligned_error).toBe(AF2_MAX_PAE);
  });

  it('the validator names each layout problem', () => {
    expect(validatePaeJson({})).toEqual(['top level must be an array with one object']);
    expect(validatePaeJson([])).toContain('[0] must be an object');
    expect(
      validatePaeJson([{ predicted_aligned_error: [[0]], max_predicted_aligned_error: 31.75, pae: 1 }]),
    ).toEqual(['[0] has unexpected key "pae"']);
    expect(
      validatePaeJson([{ predicted_aligned_error: [[0, 1]], max_predicted_aligned_error: 31.75 }]),
    ).toEqual(['[0].predicted_aligned_error[0] has 2 values, expected 1 (square matrix)']);
    expect(
      validatePaeJson([
        {
          predicted_aligned_error: [
            [0, 'x'],
            [1, 40],
          ],
          max_predicted_aligned_error: 31.75,
        },
      ]),
    ).toEqual([
      '[0].predicted_aligned_error[0][1] = "x" is not a number in [0, max_predicted_aligned_error]',
      '[0].predicted_aligned_error[1][1] = 40 is not a number in [0, max_predicted_aligned_error]',
    ]);
    expect(validatePaeJson([{ predicted_aligned_error: [[0]] }])).toEqual([
      '[0].max_predicted_aligned_error must be a positive number',
    ]);
    expect(
      validatePaeJson([{ predicted_aligned_error: [[0]], max_predicted_aligned_error: 31.75 }], 3),
    ).toEqual(['[0].predicted_aligned_error has 1 rows, expected N_res = 3']);
    // the old (v1/v2) AFDB layout is rejected with a clear message
    expect(
      validatePaeJson([{ residue1: [1], residue2: [1], distance: [0], max_predicted_aligned_error: 31.75 }]),
    ).toContain('[0].predicted_aligned_error must be an array of rows');
  });

  it('rejects a wrong-length or non-finite matrix', () => {
    expect(() => toPaeJson(new Float32Array(5), 2)).toThrow(/pae has length 5, expected 4/);
    expect(() => toPaeJson(Float32Array.of(0, Number.NaN, 0, 0), 2)).toThrow(/pae\[0\]\[1\] = NaN/);
  });
});
