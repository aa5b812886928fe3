/**
 * The embedders of Algorithm 2 on their own: AF2 distogram binning (Algorithm 32 / template
 * dgram), relpos clipping (Algorithm 4), template features (torsions computed in-model when the
 * features lack them; optional unit vectors are rigid-motion invariant), and masking invariances
 * of the whole forward pass (padded MSA / extra-MSA rows, an empty extra MSA).
 */
import { describe, expect, it } from 'vitest';
import type { NdArray } from '../ndarray.ts';
import { compare, loadGoldenNpz, REL_TOL } from './golden-test-support.ts';
import { EVOFORMER_EMBED, inputEmbedder } from './input-embedder.ts';
import { referenceForward } from './model.ts';
import { asF32, type Tensor, tensor } from './ops.ts';
import { dgramFromPositions, pseudoBeta, RECYCLE_DGRAM } from './recycling-embedder.ts';
import { templatePairFeatures } from './template-embedding.ts';
import { templateSingleEmbedding, templateTorsions } from './template-single-embedding.ts';

const params = await loadGoldenNpz('params.npz');
const inputs = await loadGoldenNpz('inputs.npz');
const tInputs = await loadGoldenNpz('inputs_templates.npz');
const tOutputs = await loadGoldenNpz('outputs_templates.npz');

function argBin(dgram: Tensor, i: number, j: number): number {
  const [n, , bins] = dgram.shape;
  const row = Array.from(dgram.data.subarray((i * n + j) * bins, (i * n + j + 1) * bins));
  expect(row.filter((v) => v === 1).length).toBeLessThanOrEqual(1);
  return row.indexOf(1);
}

describe('distogram binning (AF2 dgram_from_positions)', () => {
  const { numBins, minBin, maxBin } = RECYCLE_DGRAM;
  const at = (d: number) => tensor([2, 3], Float32Array.of(0, 0, 0, d, 0, 0));
  it('lower edges 3.25 … 20.75 Å, strict on both sides, last bin open to 1e4 Å', () => {
    expect(argBin(dgramFromPositions(at(0), numBins, minBin, maxBin), 0, 1)).toBe(-1);
    expect(argBin(dgramFromPositions(at(0), numBins, minBin, maxBin), 0, 0)).toBe(-1);
    expect(argBin(dgramFromPositions(at(3.25), numBins, minBin, maxBin), 0, 1)).toBe(-1);
    expect(argBin(dgramFromPositions(at(3.3), numBins, minBin, maxBin), 0, 1)).toBe(0);
    expect(argBin(dgramFromPositions(at(4.5), numBins, minBin, maxBin), 0, 1)).toBe(-1); // on an edge: no bin
    expect(argBin(dgramFromPositions(at(4.6), numBins, minBin, maxBin), 1, 0)).toBe(1);
    expect(argBin(dgramFromPositions(at(20.8), numBins, minBin, maxBin), 0, 1)).toBe(14);
    expect(argBin(dgramFromPositions(at(500), numBins, minBin, maxBin), 0, 1)).toBe(14);
  });

  it('pseudo-β is CB, or CA for glycine', () => {
    const atoms = tensor([2, 37, 3]);
    atoms.data.set([1, 2, 3], 1 * 3); // residue 0 CA
    atoms.data.set([4, 5, 6], 3 * 3); // residue 0 CB
    atoms.data.set([7, 8, 9], (37 + 1) * 3); // residue 1 CA
    atoms.data.set([10, 11, 12], (37 + 3) * 3); // residue 1 CB
    const G = 7;
    expect(Array.from(pseudoBeta(Int32Array.of(0, G), atoms).data)).toEqual([4, 5, 6, 7, 8, 9]);
  });
});

describe('Algorithm 3/4: input embedder', () => {
  it('relpos clips residue offsets to ±32 (65 bins); a chain gap of 200 uses the end bins', () => {
    const n = 4;
    const targetFeat = tensor([n, 22]);
    for (let i = 0; i < n; i++) targetFeat.data[i * 22 + 1 + i] = 1;
    const msaFeat = tensor([1, n, 49]);
    const ri = Int32Array.of(0, 1, 201, 202);
    const { z } = inputEmbedder(targetFeat, ri, msaFeat, params);
    const w = asF32(params[`${EVOFORMER_EMBED}/pair_activiations//weights`]);
    const b = asF32(params[`${EVOFORMER_EMBED}/pair_activiations//bias`]);
    const left = asF32(params[`${EVOFORMER_EMBED}/left_single//weights`]);
    const lb = asF32(params[`${EVOFORMER_EMBED}/left_single//bias`]);
    const right = asF32(params[`${EVOFORMER_EMBED}/right_single//weights`]);
    const rb = asF32(params[`${EVOFORMER_EMBED}/right_single//bias`]);
    const cz = z.shape[2];
    const k = (w.shape[0] - 1) / 2;
    for (const [i, j] of [
      [0, 1],
      [1, 0],
      [0, 3],
      [3, 0],
      [2, 2],
    ]) {
      const bin = Math.min(Math.max(ri[i] - ri[j], -k), k) + k;
      for (let c = 0; c < cz; c++) {
        // one-hot target features: Linear picks row 1 + i
        const want =
          left.data[(1 + i) * cz + c] +
          lb.data[c] +
          right.data[(1 + j) * cz + c] +
          rb.data[c] +
          w.data[bin * cz + c] +
          b.data[c];
        expect(z.data[(i * n + j) * cz + c]).toBeCloseTo(want, 4);
      }
    }
  });
});

describe('template features', () => {
  const nTempl = tInputs.template_aatype.shape[0];
  const nRes = tInputs.aatype.shape[0];

  it('torsion rows computed in-model from atom37 (no torsion features) match the golden template rows', () => {
    const stripped: Record<string, NdArray> = { ...tInputs };
    delete stripped.template_torsion_angles_sin_cos;
    delete stripped.template_alt_torsion_angles_sin_cos;
    delete stripped.template_torsion_angles_mask;
    const aatype = tInputs.template_aatype.data as Int32Array;
    const single = templateSingleEmbedding(aatype, templateTorsions(stripped, nTempl, nRes), params);
    const err = compare(single.rows, asF32(tOutputs['r0/template_single_embedding']));
    console.log(`template single rows from in-model torsions: rel ${err.rel.toExponential(2)}`);
    expect(err.rel).toBeLessThanOrEqual(REL_TOL);
  });

  it('unit vectors (use_template_unit_vector) are unit length where the backbone exists and rigid-motion invariant', () => {
    const width = 88;
    const f = templatePairFeatures(tInputs, 0, nRes, true);
    expect(f.shape).toEqual([nRes, nRes, width]);
    const norm = (t: Tensor, ij: number) =>
      Math.hypot(t.data[ij * width + 84], t.data[ij * width + 85], t.data[ij * width + 86]);
    expect(norm(f, 1)).toBeCloseTo(1, 4);
    expect(norm(f, 0)).toBeLessThan(1e-2); // i = j: zero vector
    // rotate + translate template 0's atoms: the features must not change
    const pos = tInputs.template_all_atom_positions.data as Float32Array;
    const [c, s] = [Math.cos(0.7), Math.sin(0.7)];
    const moved = pos.map((_, idx) => {
      const base = idx - (idx % 3);
      const [x, y, z] = [pos[base], pos[base + 1], pos[base + 2]];
      const r = [c * x - s * y + 5, s * x + c * y - 3, z + 11];
      return r[idx % 3];
    });
    const g = templatePairFeatures(
      { ...tInputs, template_all_atom_positions: { ...tInputs.template_all_atom_positions, data: moved } },
      0,
      nRes,
      true,
    );
    expect(compare(g, f).maxAbsErr).toBeLessThan(1e-3);
    // and without the option the 3 channels are zero (model_1..5)
    const h = templatePairFeatures(tInputs, 0, nRes, false);
    for (let ij = 0; ij < nRes * nRes; ij++) expect(norm(h, ij)).toBe(0);
  });
});

describe('masking invariances of the whole forward pass', () => {
  const n = inputs.aatype.shape[0];

  /** Append `pad` rows of zeros with mask 0 to an [S, N, ...] feature. */
  function padRows(a: NdArray, pad: number, fill = 0): NdArray {
    const rowSize = a.shape.slice(1).reduce((x, y) => x * y, 1);
    const Ctor = a.data.constructor as new (len: number) => Float32Array | Int32Array;
    const data = new Ctor(a.data.length + pad * rowSize);
    data.set(a.data as Float32Array & Int32Array);
    data.fill(fill, a.data.length);
    return { dtype: a.dtype, shape: [a.shape[0] + pad, ...a.shape.slice(1)], data };
  }

  it('padded (masked) MSA and extra-MSA rows do not change the structure', async () => {
    const padded = {
      ...inputs,
      msa_feat: padRows(inputs.msa_feat, 2),
      msa_mask: padRows(inputs.msa_mask, 2),
      extra_msa: padRows(inputs.extra_msa, 3, 21),
      extra_has_deletion: padRows(inputs.extra_has_deletion, 3),
      extra_deletion_value: padRows(inputs.extra_deletion_value, 3),
      extra_msa_mask: padRows(inputs.extra_msa_mask, 3),
    };
    const base = await referenceForward(inputs, params, { numRecycles: 0 });
    const out = await referenceForward(padded, params, { numRecycles: 0 });
    const err = compare(asF32(out.final_atom_positions), asF32(base.final_atom_positions));
    console.log(`padded rows: atoms max abs diff ${err.maxAbsErr.toExponential(2)} Å`);
    expect(err.maxAbsErr).toBeLessThan(1e-4);
    expect(out.msa.shape[0]).toBe(inputs.msa_feat.shape[0] + 2);
  });

  it('an empty extra MSA runs and stays finite', async () => {
    const empty = {
      ...inputs,
      extra_msa: { dtype: 'int32' as const, shape: [0, n], data: new Int32Array(0) },
      extra_has_deletion: { dtype: 'float32' as const, shape: [0, n], data: new Float32Array(0) },
      extra_deletion_value: { dtype: 'float32' as const, shape: [0, n], data: new Float32Array(0) },
      extra_msa_mask: { dtype: 'float32' as const, shape: [0, n], data: new Float32Array(0) },
    };
    const out = await referenceForward(empty, params, { numRecycles: 0 });
    expect(Array.from(out.final_atom_positions.data as Float32Array).every(Number.isFinite)).toBe(true);
  });
});
