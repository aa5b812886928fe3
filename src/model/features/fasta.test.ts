import { describe, expect, it } from 'vitest';
import { FeatureInputError } from './errors.ts';
import { parseFasta } from './fasta.ts';
import { rawFeaturesFromInputs } from './input.ts';

describe('parseFasta', () => {
  it('parses one record with whitespace, lowercase and a terminal *', () => {
    const r = parseFasta('>sp|P1|X some protein\n  mkv laG\n\tTTy*\n\n');
    expect(r).toEqual([{ description: 'sp|P1|X some protein', sequence: 'MKVLAGTTY' }]);
  });

  it('parses many records and CRLF line ends', () => {
    const r = parseFasta('>a\r\nMK\r\nVL\r\n>b desc\r\nGG*\r\n');
    expect(r.map((x) => [x.description, x.sequence])).toEqual([
      ['a', 'MKVL'],
      ['b desc', 'GG'],
    ]);
  });

  it('accepts a bare sequence without header', () => {
    expect(parseFasta('ACDEF\nGHIK\n')).toEqual([{ description: '', sequence: 'ACDEFGHIK' }]);
  });

  it('names the bad letter, its position and the record', () => {
    expect(() => parseFasta('>a\nMKV\n>b\nAC\nD1E\n')).toThrow(
      /record 2 \('b'\): invalid character '1' at position 4/,
    );
    expect(() => parseFasta('>q\nMK-L\n')).toThrow(/record 1 \('q'\): invalid character '-' at position 3/);
    expect(() => parseFasta('>q\nMK.L\n')).toThrow(/'\.' at position 3/);
    expect(() => parseFasta('MK#L')).toThrow(/record 1: invalid character '#' at position 3/);
    expect(() => parseFasta('>q\nMKL\u00e9\n')).toThrow(/invalid character 'é' at position 4/);
    expect(() => parseFasta('>q\nMKL\u0001\n')).toThrow(/invalid character U\+0001 at position 4/);
  });

  it("rejects '*' before the end", () => {
    expect(() => parseFasta('>q\nMK*LV\n')).toThrow(
      /record 1 \('q'\): '\*' at position 3 is only allowed at the end/,
    );
  });

  it('rejects empty input and empty records', () => {
    expect(() => parseFasta('')).toThrow(FeatureInputError);
    expect(() => parseFasta(' \n\n')).toThrow(/FASTA input is empty/);
    expect(() => parseFasta('>a\nMK\n>b\n>c\nG')).toThrow(/record 2 \('b'\) has an empty sequence/);
    expect(() => parseFasta('>a\n*\n')).toThrow(/record 1 \('a'\) has an empty sequence/);
  });

  it('maps non-standard letters as AF2 does (aatype: X; MSA row: HHblits B→D, Z→E, U→C, O/J→X)', () => {
    const raw = rawFeaturesFromInputs({ fasta: '>q\nABZUOJXW\n' });
    // aatype: A=0, everything non-standard = 20, W=17
    expect(Array.from(raw.aatype)).toEqual([0, 20, 20, 20, 20, 20, 20, 17]);
    // MSA query row, AF2 order: A=0, B→D=3, Z→E=6, U→C=4, O→X=20, J→X=20, X=20, W=17
    expect(Array.from(raw.msa)).toEqual([0, 3, 6, 4, 20, 20, 20, 17]);
    // raw HHblits ids: A=0, B=2, Z=3, U=1, O=20, J=20, X=20, W=18
    expect(Array.from(raw.msaHhblits)).toEqual([0, 2, 3, 1, 20, 20, 20, 18]);
  });

  it('rejects several records for monomer features', () => {
    expect(() => rawFeaturesFromInputs({ fasta: '>a\nMK\n>b\nGG\n' })).toThrow(/2 records; monomer/);
  });
});
