import { QualityAssessment } from 'molstar/lib/extensions/model-archive/quality-assessment/prop.js';
import { CIF } from 'molstar/lib/mol-io/reader/cif.js';
import { describe, expect, it } from 'vitest';
import { atomTypes, resnames, restypeAtom37Mask } from '../features/residue-constants.ts';
import { examplePrediction } from './example-structure.ts';
import { toMmcif } from './mmcif-writer.ts';
import {
  molstarAtoms,
  molstarModelFromMmcif,
  molstarModelFromPdb,
  molstarQualityAssessment,
} from './molstar-read.test-util.ts';
import { toPdb } from './pdb-writer.ts';
import { ATOM37, type Prediction } from './types.ts';

// Every residue type, an X (UNK: no atoms, as in AF2 output), residue numbers from 5.
const SEQUENCE = 'ARNDCQEGHILKMFPSTWYVXGA';
const pred = examplePrediction(SEQUENCE, 7, 4);

/** The atoms the writers must emit, in file order. */
function expectedAtoms(p: Prediction) {
  const out: { residue: number; atomName: string; x: number; y: number; z: number; b: number }[] = [];
  for (let i = 0; i < p.aatype.length; i++) {
    for (let a = 0; a < ATOM37; a++) {
      if (p.atomMask[i * ATOM37 + a] < 0.5) continue;
      const k = (i * ATOM37 + a) * 3;
      const [x, y, z] = [p.positions[k], p.positions[k + 1], p.positions[k + 2]];
      out.push({ residue: i, atomName: atomTypes[a], x, y, z, b: p.plddt[i] });
    }
  }
  return out;
}
const expected = expectedAtoms(pred);
const atomCount = SEQUENCE.split('').reduce(
  (n, _c, i) => n + restypeAtom37Mask[pred.aatype[i]].reduce((s, v) => s + v, 0),
  0,
);

describe('PDB writer', () => {
  const text = toPdb(pred);
  const lines = text.trimEnd().split('\n');

  it('writes column-exact ATOM records, TER and END', () => {
    const atomLines = lines.filter((l) => l.startsWith('ATOM  '));
    expect(atomLines.length).toBe(atomCount);
    for (const l of atomLines) expect(l.length).toBe(80);
    const first = atomLines[0]; // ALA N of residue 5
    expect(first.slice(0, 6)).toBe('ATOM  ');
    expect(first.slice(6, 11)).toBe('    1');
    expect(first.slice(12, 16)).toBe(' N  ');
    expect(first.slice(17, 20)).toBe('ALA');
    expect(first[21]).toBe('A');
    expect(first.slice(22, 26)).toBe('   5');
    expect(first.slice(30, 38)).toBe(pred.positions[0].toFixed(3).padStart(8));
    expect(first.slice(54, 60)).toBe('  1.00');
    expect(first.slice(60, 66)).toBe(pred.plddt[0].toFixed(2).padStart(6));
    expect(first.slice(76, 78)).toBe(' N');
    const sg = atomLines.find((l) => l.slice(12, 16) === ' SG ');
    expect(sg?.slice(76, 78)).toBe(' S');
    const nres = SEQUENCE.length;
    expect(lines.at(-2)).toBe(
      `TER   ${String(atomCount + 1).padStart(5)}      ALA A${String(4 + nres).padStart(4)}`,
    );
    expect(lines.at(-1)).toBe('END');
    expect(lines.some((l) => l.startsWith('MODEL'))).toBe(false);
  });

  it('wraps in MODEL/ENDMDL when asked', () => {
    const m = toPdb(pred, { model: 1 }).trimEnd().split('\n');
    expect(m[0]).toBe('MODEL        1');
    expect(m.slice(-3, -1)).toEqual([m.at(-3), 'ENDMDL']);
  });

  it('Mol* reads back the same atoms, coordinates (to 1e-3 Å) and pLDDT per atom', async () => {
    const model = await molstarModelFromPdb(text);
    const got = molstarAtoms(model);
    expect(got.length).toBe(expected.length);
    got.forEach((g, n) => {
      const e = expected[n];
      expect(g.atomName).toBe(e.atomName);
      expect(g.element).toBe(e.atomName[0]);
      expect(g.resName).toBe(resnames[pred.aatype[e.residue]]);
      expect(g.authSeqId).toBe(pred.residueIndex[e.residue] + 1);
      expect(g.authAsymId).toBe('A');
      expect(Math.abs(g.x - e.x)).toBeLessThanOrEqual(5e-4 + 1e-6);
      expect(Math.abs(g.y - e.y)).toBeLessThanOrEqual(5e-4 + 1e-6);
      expect(Math.abs(g.z - e.z)).toBeLessThanOrEqual(5e-4 + 1e-6);
      expect(Math.abs(g.b - e.b)).toBeLessThanOrEqual(5e-3 + 1e-6);
    });
  });

  it('errors name the problem', () => {
    expect(() => toPdb({ ...pred, chainId: 'AB' })).toThrow(/one character; got "AB"/);
    expect(() => toPdb({ ...pred, plddt: new Float32Array(3) })).toThrow(/plddt has length 3, expected 23/);
    const far = { ...pred, positions: pred.positions.slice() };
    far.positions[1] = 123456.7;
    expect(() => toPdb(far)).toThrow(/coordinate of atom N of residue 5 = 123456\.\d{3} does not fit/);
    expect(() => toPdb({ ...pred, atomMask: new Float32Array(pred.atomMask.length) })).toThrow(/no atom/);
    expect(() => toPdb({ ...pred, aatype: Int32Array.from(pred.aatype, () => 21) })).toThrow(
      /aatype\[0\] = 21/,
    );
  });
});

describe('mmCIF writer', () => {
  const text = toMmcif(pred, { entryId: 'test-1', modelName: 'model_1_ptm', includePae: true });

  it('Mol* reads back the same atoms, coordinates and pLDDT (B_iso_or_equiv) per atom', async () => {
    const model = await molstarModelFromMmcif(text);
    const got = molstarAtoms(model);
    expect(got.length).toBe(expected.length);
    got.forEach((g, n) => {
      const e = expected[n];
      expect(g.atomName).toBe(e.atomName);
      expect(g.element).toBe(e.atomName[0]);
      expect(g.resName).toBe(resnames[pred.aatype[e.residue]]);
      expect(g.authSeqId).toBe(pred.residueIndex[e.residue] + 1);
      expect(g.labelSeqId).toBe(e.residue + 1);
      expect(g.authAsymId).toBe('A');
      expect(Math.abs(g.x - e.x)).toBeLessThanOrEqual(5e-4 + 1e-6);
      expect(Math.abs(g.y - e.y)).toBeLessThanOrEqual(5e-4 + 1e-6);
      expect(Math.abs(g.z - e.z)).toBeLessThanOrEqual(5e-4 + 1e-6);
      expect(Math.abs(g.b - e.b)).toBeLessThanOrEqual(5e-3 + 1e-6);
    });
    // the polymer sequence, including the atom-less UNK, comes from _entity_poly_seq
    const seq = model.sequence.sequences[0].sequence;
    expect(seq.length).toBe(SEQUENCE.length);
    expect(Array.from(seq.code.toArray()).join('')).toBe(SEQUENCE);
    expect(model.entities.data.type.value(0)).toBe('polymer');
  });

  it("Mol*'s ModelCIF quality-assessment provider sees per-residue pLDDT from ma_qa_metric_local", async () => {
    const model = await molstarModelFromMmcif(text);
    const qa = await molstarQualityAssessment(model);
    const local = qa.local.find((m) => m.kind === 'pLDDT');
    expect(local?.name).toBe('pLDDT');
    expect(local?.domain).toEqual([0, 100]);
    expect(qa.pLDDT).toBeDefined();
    // map Mol* residue index → our residue via label_seq_id
    const { residues } = model.atomicHierarchy;
    const withAtoms = new Set(expected.map((e) => e.residue));
    expect(qa.pLDDT?.size).toBe(withAtoms.size);
    for (const [rI, value] of qa.pLDDT ?? []) {
      const i = residues.label_seq_id.value(rI) - 1;
      expect(Math.abs(value - pred.plddt[i])).toBeLessThanOrEqual(5e-3 + 1e-6);
    }
  });

  it('writes the global metrics and AFDB-style categories', async () => {
    const parsed = await CIF.parseText(text).run();
    if (parsed.isError) throw new Error(parsed.message);
    const block = parsed.result.blocks[0];
    expect(block.header).toBe('test-1');
    const cat = (name: string) => {
      const c = block.categories[name];
      if (!c) throw new Error(`missing category ${name}`);
      return c;
    };
    const metric = cat('ma_qa_metric');
    expect(metric.rowCount).toBe(4);
    const modes = Array.from({ length: 4 }, (_, i) => metric.getField('mode')?.str(i));
    expect(modes).toEqual(['global', 'local', 'global', 'local-pairwise']);
    const global = cat('ma_qa_metric_global');
    let mean = 0;
    for (const v of pred.plddt) mean += v / pred.plddt.length;
    expect(global.getField('metric_value')?.float(0)).toBeCloseTo(mean, 2);
    expect(global.getField('metric_value')?.float(1)).toBeCloseTo(0.4321, 4);
    expect(cat('ma_qa_metric_local').rowCount).toBe(SEQUENCE.length);
    expect(cat('ma_qa_metric_local_pairwise').rowCount).toBe(SEQUENCE.length ** 2);
    expect(cat('entity_poly').getField('pdbx_seq_one_letter_code_can')?.str(0)).toBe(SEQUENCE);
    expect(cat('entity_poly').getField('pdbx_seq_one_letter_code')?.str(0)).toBe(
      SEQUENCE.replace('X', '(UNK)'),
    );
    expect(cat('entity_poly_seq').rowCount).toBe(SEQUENCE.length);
    expect(cat('struct_asym').getField('id')?.str(0)).toBe('A');
    const comps = cat('chem_comp');
    expect(comps.rowCount).toBe(21);
    const names = Array.from({ length: comps.rowCount }, (_, i) => comps.getField('name')?.str(i));
    expect(names).toContain('ASPARTIC ACID');
    expect(cat('atom_type').rowCount).toBe(4);
  });

  it('Mol* reads the optional PAE through its ModelCIF pairwise metric', async () => {
    const parsed = await CIF.parseText(text).run();
    if (parsed.isError) throw new Error(parsed.message);
    const frame = parsed.result.blocks[0];
    const model = await molstarModelFromMmcif(text);
    const metrics = QualityAssessment.findModelArchiveCIFPAEMetrics(frame);
    expect(metrics).toEqual([{ id: 4, name: 'PAE' }]);
    const pae = QualityAssessment.pairwiseMetricFromModelArchiveCIF(model, frame, 4);
    const n = SEQUENCE.length;
    // residues 0 and 2 both have atoms: Mol* residue indices are 0 and 2
    const values = pae?.values as Record<number, Record<number, number | undefined> | undefined>;
    expect(values[0]?.[2]).toBeCloseTo(pred.pae![2], 2);
    expect(values[2]?.[0]).toBeCloseTo(pred.pae![2 * n], 2);
  });

  it('quotes entry ids and descriptions safely, and rejects bad ones', () => {
    const t = toMmcif(pred, { description: "villin's headpiece" });
    expect(t).toContain(`_entity.pdbx_description "villin's headpiece"`);
    expect(() => toMmcif(pred, { entryId: 'has space' })).toThrow(/entry id "has space"/);
    expect(() => toMmcif({ ...pred, pae: undefined }, { includePae: true })).toThrow(/no pae/);
  });
});
