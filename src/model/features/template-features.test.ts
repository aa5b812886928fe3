import { describe, expect, it } from 'vitest';
import { loadNpz, values } from '../../../test/helpers/golden-npz.ts';
import { examplePrediction } from '../output/example-structure.ts';
import { toPdb } from '../output/index.ts';
import { readPdbChain } from '../structure/index.ts';
import { idToHhblitsAa } from './residue-constants.ts';
import { buildTemplateFeatures, type TemplateInput, templateFromChain } from './template-features.ts';

const golden = loadNpz('test/fixtures/golden/inputs_templates.npz');

/** The golden templates as the inputs a template search would give. */
function goldenTemplates(): { templates: TemplateInput[]; numRes: number } {
  const [T, N] = golden.template_aatype.shape;
  const onehot = values(golden.raw_template_aatype_onehot_hhblits);
  const pos = values(golden.template_all_atom_positions);
  const mask = values(golden.template_all_atom_mask);
  const probs = values(golden.template_sum_probs);
  const templates: TemplateInput[] = [];
  for (let t = 0; t < T; t++) {
    let seq = '';
    for (let i = 0; i < N; i++) {
      const row = onehot.slice((t * N + i) * 22, (t * N + i + 1) * 22);
      seq += idToHhblitsAa[row.indexOf(1)];
    }
    templates.push({
      sequence: seq,
      atomPositions: pos.slice(t * N * 111, (t + 1) * N * 111),
      atomMask: mask.slice(t * N * 37, (t + 1) * N * 37),
      sumProbs: probs[t],
    });
  }
  return { templates, numRes: N };
}

describe('template features vs golden inputs_templates.npz', () => {
  const { templates, numRes } = goldenTemplates();
  const f = buildTemplateFeatures(templates, numRes);
  const keys = Object.keys(golden).filter((k) => k.includes('template'));

  it('has the golden template keys', () => {
    expect(Object.keys(f).sort()).toEqual(keys.sort());
  });

  for (const key of keys) {
    it(`matches ${key}`, () => {
      const got = f[key];
      const want = golden[key];
      expect(got.dtype).toBe(want.dtype);
      expect(got.shape).toEqual(want.shape);
      const a = values(got);
      const b = values(want);
      let worst = 0;
      let at = -1;
      for (let i = 0; i < b.length; i++) {
        const d = Math.abs(a[i] - b[i]);
        if (d > worst) [worst, at] = [d, i];
      }
      expect(worst, `${key}: max |diff| ${worst} at ${at} (${a[at]} vs ${b[at]})`).toBeLessThanOrEqual(
        want.dtype === 'float32' ? 1e-6 : 0,
      );
    });
  }

  it('names the template and the problem on bad input', () => {
    const t = templates[0];
    expect(() => buildTemplateFeatures([{ ...t, sequence: t.sequence.slice(1) }], numRes)).toThrow(
      /template 1: sequence has \d+ positions, the query \d+/,
    );
    expect(() => buildTemplateFeatures([t, { ...t, sequence: `1${t.sequence.slice(1)}` }], numRes)).toThrow(
      /template 2: invalid residue '1' at position 1/,
    );
    expect(() => buildTemplateFeatures([{ ...t, atomMask: [] }], numRes)).toThrow(/template 1: atom mask/);
  });
});

describe('templateFromChain', () => {
  it('places an aligned chain read from a PDB file on the query positions', () => {
    const chain = readPdbChain(toPdb(examplePrediction('MKGW', 5)));
    // Query of 5 residues; positions 1..3 align to chain residues 0, 2, 3; 0 and 4 are unaligned.
    const tpl = templateFromChain(chain, [null, 0, 2, 3, -1], 0.5);
    expect(tpl.sequence).toBe('-MGW-');
    expect(tpl.sumProbs).toBe(0.5);
    const ca = 1;
    for (const [i, j] of [
      [1, 0],
      [2, 2],
      [3, 3],
    ]) {
      expect(tpl.atomMask[i * 37 + ca]).toBe(1);
      expect(tpl.atomPositions[(i * 37 + ca) * 3]).toBe(chain.positions[(j * 37 + ca) * 3]);
    }
    expect(
      Array.from(tpl.atomMask)
        .slice(0, 37)
        .every((m) => m === 0),
    ).toBe(true);
    expect(
      Array.from(tpl.atomMask)
        .slice(4 * 37)
        .every((m) => m === 0),
    ).toBe(true);
    expect(() => templateFromChain(chain, [7])).toThrow(
      /query position 1 maps to residue 8 but the chain has 4/,
    );
  });
});
