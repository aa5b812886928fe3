import { describe, expect, it } from 'vitest';
import { loadNpz, values } from '../../../test/helpers/golden-npz.ts';
import { idToHhblitsAa } from './residue-constants.ts';
import { buildTemplateFeatures, type TemplateInput } from './template-features.ts';

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
