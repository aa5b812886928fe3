import { describe, expect, it } from 'vitest';
import { dedupeMsa, parseA3m } from './a3m.ts';
import { rawFeaturesFromInputs } from './input.ts';

describe('parseA3m', () => {
  it('turns lower-case insertions into the deletion matrix', () => {
    const msa = parseA3m('>q\nACDEF\n>s1\nAabCD-xyzF\n>s2\n--DEFpq\n');
    expect(msa.sequences).toEqual(['ACDEF', 'ACD-F', '--DEF']);
    expect(msa.deletionMatrix).toEqual([
      [0, 0, 0, 0, 0],
      [0, 2, 0, 0, 3],
      [0, 0, 0, 0, 0], // trailing insertions are dropped, as AF2 does
    ]);
    expect(msa.descriptions).toEqual(['q', 's1', 's2']);
  });

  it("tolerates '#' header lines, '.', whitespace and a terminal '*'", () => {
    const msa = parseA3m('#5\t1\n>q\nAC DEF*\n>s\nA..cC-EF\n');
    expect(msa.sequences).toEqual(['ACDEF', 'AC-EF']);
    expect(msa.deletionMatrix[1]).toEqual([0, 1, 0, 0, 0]);
  });

  it('names the row of the wrong length', () => {
    expect(() => parseA3m('>q\nACDEF\n>s1\nACDEF\n>s2 desc\nACDEFG\n')).toThrow(
      /A3M row 3 \('s2'\): aligned length 6 differs from the query's 5/,
    );
    expect(() => parseA3m('>q\nACDEF\n>s1\nACkkkDE\n')).toThrow(/row 2 \('s1'\): aligned length 4/);
  });

  it('names bad characters with row and position', () => {
    expect(() => parseA3m('>q\nACDEF\n>s1\nAC1EF\n')).toThrow(
      /A3M row 2 \('s1'\): invalid character '1' at character 3/,
    );
    expect(() => parseA3m('>q\nAC*EF\n')).toThrow(
      /row 1 \('q'\): '\*' at character 3 is only allowed at the end/,
    );
  });

  it('rejects empty input, data before a header, and an empty query', () => {
    expect(() => parseA3m('')).toThrow(/A3M input is empty/);
    expect(() => parseA3m('ACDEF\n>q\nACDEF\n')).toThrow(/A3M line 1: sequence data before the first '>'/);
    expect(() => parseA3m('>q\nacd\n')).toThrow(/row 1 \('q'\) \(the query\) has no aligned residues/);
  });

  it('drops duplicate aligned rows, keeping the first (insertions do not make rows distinct)', () => {
    const msa = dedupeMsa(parseA3m('>q\nACDEF\n>a\nAC-EF\n>b\nACkk-EF\n>c\nACDEF\n>d\nGCDEF\n'));
    expect(msa.descriptions).toEqual(['q', 'a', 'd']);
    expect(msa.deletionMatrix[1]).toEqual([0, 0, 0, 0, 0]);
  });

  it('rejects a gap in the query row', () => {
    expect(() => rawFeaturesFromInputs({ a3m: '>q\nAC-EF\n>s\nACDEF\n' })).toThrow(
      /query residue '-' at position 3 is not an amino acid/,
    );
  });

  it('checks an A3M against a FASTA query and prepends the query if row 1 differs', () => {
    expect(() => rawFeaturesFromInputs({ fasta: '>q\nACDEFG\n', a3m: '>q\nACDEF\n' })).toThrow(
      /query row has 5 aligned columns but the query sequence has 6 residues/,
    );
    const raw = rawFeaturesFromInputs({ fasta: '>q\nACDEF\n', a3m: '>x\nACDEG\n>y\nACDEF\n' });
    // query prepended; the identical row 'y' is then a duplicate and dropped
    expect(raw.numSeq).toBe(2);
    expect(Array.from(raw.msaHhblits.subarray(0, 5))).toEqual([0, 1, 2, 3, 4]);
  });

  it('reports no input', () => {
    expect(() => rawFeaturesFromInputs({})).toThrow(/no input/);
  });
});
