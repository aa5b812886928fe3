import { describe, expect, it } from 'vitest';
import { checkA3m, checkFasta, jobNameFrom } from './validate.ts';

describe('checkFasta', () => {
  it('accepts a bare sequence and a FASTA record', () => {
    expect(checkFasta('mktayiak')).toEqual({
      status: 'ok',
      sequence: 'MKTAYIAK',
      description: '',
      length: 8,
    });
    const r = checkFasta('>sp|P1 demo\nMKT AYI\nAK*\n');
    expect(r).toMatchObject({ status: 'ok', sequence: 'MKTAYIAK', description: 'sp|P1 demo' });
  });

  it('is empty for blank text', () => {
    expect(checkFasta('  \n')).toEqual({ status: 'empty' });
  });

  it('names the letter and position of a bad character', () => {
    const r = checkFasta('>x\nMKT1AYIAK');
    expect(r.status).toBe('error');
    if (r.status !== 'error') return;
    expect(r.position).toBe(4);
    expect(r.letter).toBe("'1'");
    expect(r.message).toContain("'1' at position 4");
  });

  it('refuses several records (monomer)', () => {
    const r = checkFasta('>a\nMK\n>b\nAY\n');
    expect(r).toMatchObject({ status: 'error' });
    if (r.status === 'error') expect(r.message).toContain('2 sequences');
  });
});

describe('checkA3m', () => {
  it('takes the first row as the query', () => {
    expect(checkA3m('>q\nMKTA\n>h\nMKa-A\n')).toMatchObject({
      status: 'ok',
      query: 'MKTA',
      rows: 2,
      length: 4,
    });
  });

  it('reports bad rows', () => {
    const r = checkA3m('>q\nMKTA\n>h\nMK-\n');
    expect(r.status).toBe('error');
  });

  it('refuses a gapped query', () => {
    const r = checkA3m('>q\nMK-A\n');
    expect(r).toMatchObject({ status: 'error' });
    if (r.status === 'error') expect(r.message).toContain('position 3');
  });
});

describe('jobNameFrom', () => {
  it('uses the first word of the description, else the fallback', () => {
    expect(jobNameFrom('sp|P69905|HBA_HUMAN Hemoglobin', 'x')).toBe('sp|P69905|HBA_HUMAN');
    expect(jobNameFrom('', 'query.a3m')).toBe('query.a3m');
  });
});
