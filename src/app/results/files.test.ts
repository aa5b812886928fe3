import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { examplePrediction } from '../../model/output/example-structure.ts';
import { toMmcif, toPaeJson, toPdb } from '../../model/output/index.ts';
import { demoPrediction } from './demo-data.ts';
import { resultFiles, safeStem, scoreTimings, zipResultFiles } from './files.ts';
import { formatMs, summarize } from './summary.ts';

const SEQ = 'MKTAYIAKQRQISFVKSHFSRQ';

describe('download files', () => {
  it('names them as webfold fold does and writes the same content', () => {
    const p = examplePrediction(SEQ, 1);
    const files = resultFiles(p, { name: 'T1024', a3m: '>q\nMK\n', seed: 3, modelName: 'model_1_ptm' });
    expect(files.map((f) => f.name)).toEqual([
      'T1024.pdb',
      'T1024.cif',
      'T1024_pae.json',
      'T1024_scores.json',
      'T1024.a3m',
    ]);
    const byKind = Object.fromEntries(files.map((f) => [f.kind, f.content()]));
    expect(byKind.pdb).toBe(toPdb(p, { model: 1 }));
    expect(byKind.mmcif).toBe(toMmcif(p, { entryId: 'T1024', modelName: 'model_1_ptm' }));
    expect(byKind.pae).toBe(toPaeJson(p.pae!, SEQ.length, { maxPae: p.maxPae }));
    const scores = JSON.parse(byKind.scores);
    expect(scores).toMatchObject({
      model_name: 'model_1_ptm',
      seed: 3,
      num_residues: SEQ.length,
      ptm: 0.4321,
    });
    expect(byKind.a3m).toBe('>q\nMK\n');
  });

  it('leaves out the PAE without a PAE head and the A3M when none was given', () => {
    const p = examplePrediction('MKT', 1);
    delete p.pae;
    const kinds = resultFiles(p, { name: 'x' }).map((f) => f.kind);
    expect(kinds).toEqual(['pdb', 'mmcif', 'scores']);
    expect(JSON.parse(resultFiles(p, { name: 'x' })[2].content()).seed).toBeNull();
  });

  it('makes file-name stems that are valid mmCIF entry ids', () => {
    expect(safeStem('my protein (v2).fasta')).toBe('my_protein_v2');
    expect(safeStem('T1024.a3m')).toBe('T1024');
    expect(safeStem('  ')).toBe('prediction');
    expect(safeStem('ÄÖ')).toBe('prediction');
    expect(safeStem('job-3.1')).toBe('job-3.1');
    const p = examplePrediction('MK', 1);
    expect(() => resultFiles(p, { name: 'we/ird:name' })[1].content()).not.toThrow();
  });

  it('zips every file under one folder, byte for byte', () => {
    const p = examplePrediction(SEQ, 1);
    const files = resultFiles(p, { name: 'demo', a3m: '>q\nMK\n' });
    const entries = unzipSync(zipResultFiles(files, 'demo'));
    expect(Object.keys(entries).sort()).toEqual(
      ['demo.a3m', 'demo.cif', 'demo.pdb', 'demo_pae.json', 'demo_scores.json'].map((f) => `demo/${f}`),
    );
    for (const f of files) expect(strFromU8(entries[`demo/${f.name}`])).toBe(f.content());
    // deterministic: same input, same bytes
    expect(zipResultFiles(files, 'demo')).toEqual(zipResultFiles(files, 'demo'));
  });

  it('puts engine stage timings into the scores JSON as the CLI names them', () => {
    const p = demoPrediction();
    expect(scoreTimings(p)).toMatchObject({ model_evoformer: 1290, model_heads: 18, total: p.totalMs });
    expect(scoreTimings(examplePrediction('MK', 1))).toEqual({});
    const scores = JSON.parse(
      resultFiles(p, { name: 'd' })
        .find((f) => f.kind === 'scores')!
        .content(),
    );
    expect(scores.num_recycles).toBe(3);
    expect(scores.extra.per_recycle).toHaveLength(4);
    // per recycle, in the scores' own naming and rounding; the last recycle's pTM is the final one
    expect(Object.keys(scores.extra.per_recycle[0])).toEqual([
      'recycle',
      'mean_plddt',
      'ptm',
      'ca_distance_rms_change',
      'ms',
    ]);
    expect(scores.extra.per_recycle[0].ca_distance_rms_change).toBeNull();
    expect(scores.extra.per_recycle[3].ptm).toBe(scores.ptm);
    expect(scores.extra.per_recycle[3].mean_plddt).toBe(scores.mean_plddt);
    expect(scores.extra.per_recycle[1].ptm).toBeLessThan(scores.ptm);
  });
});

describe('summary', () => {
  it('reads headline numbers from a bare prediction', () => {
    const p = examplePrediction(SEQ, 1);
    const s = summarize(p);
    expect(s.nRes).toBe(SEQ.length);
    expect(s.ptm).toBe(0.4321);
    expect(s.paeRange).toBe(31.75);
    expect(s.maxPaeValue).toBe(Math.max(...p.pae!));
    expect(s.meanPlddt).toBeCloseTo(p.plddt.reduce((a, b) => a + b, 0) / SEQ.length, 5);
    expect(s.recycles).toEqual([]);
  });

  it('and recycles and timings from an engine prediction', () => {
    const s = summarize(demoPrediction());
    expect(s.recycles).toHaveLength(4);
    expect(s.timings.map((t) => t.stage)).toContain('evoformer');
    expect(s.totalMs).toBeGreaterThan(0);
  });

  it('formats durations', () => {
    expect(formatMs(850.4)).toBe('850 ms');
    expect(formatMs(12_340)).toBe('12.3 s');
    expect(formatMs(245_000)).toBe('4 min 05 s');
    expect(formatMs(Number.NaN)).toBe('—');
  });
});
