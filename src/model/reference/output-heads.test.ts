/**
 * Output heads vs the golden full-model outputs (final iteration): each head is fed the golden
 * representation it reads in AF2 and its logits are compared.
 */
import { describe, expect, it } from 'vitest';
import { computePlddt, computePredictedAlignedError, predictedTmScore } from '../confidence/index.ts';
import type { NdArray } from '../ndarray.ts';
import { readNpz } from '../params/npz.ts';
import { fileSource } from '../params/source-node.ts';
import { compare, GOLDEN_DIR, REL_TOL } from './golden-test-support.ts';
import { asF32, type Params, type Tensor } from './ops.ts';
import {
  distogramHead,
  experimentallyResolvedHead,
  hasPredictedAlignedErrorHead,
  maskedMsaHead,
  predictedAlignedErrorHead,
  runOutputHeads,
} from './output-heads.ts';
import { predictedLddtHead } from './predicted-lddt-head.ts';

async function load(file: string): Promise<Record<string, NdArray>> {
  const source = await fileSource(`${GOLDEN_DIR}/${file}`);
  try {
    return await readNpz(source);
  } finally {
    await source.close?.();
  }
}

const [outputs, params] = await Promise.all([load('outputs.npz'), load('params.npz')]);
const out = (k: string): Tensor => asF32(outputs[k], k);

const cases: [string, () => Tensor, string][] = [
  [
    'pLDDT head (Algorithm 29)',
    () => predictedLddtHead(out('structure_module_single'), params as Params),
    'lddt_logits',
  ],
  ['PAE head (1.9.7)', () => predictedAlignedErrorHead(out('pair'), params as Params), 'tm_logits'],
  ['distogram head (1.9.8)', () => distogramHead(out('pair'), params as Params), 'distogram_logits'],
  ['masked-MSA head (1.9.9)', () => maskedMsaHead(out('msa'), params as Params), 'masked_msa_logits'],
  [
    'experimentally-resolved head (1.9.10)',
    () => experimentallyResolvedHead(out('single'), params as Params),
    'experimentally_resolved_logits',
  ],
];

describe('output heads vs golden outputs.npz', () => {
  for (const [name, run, key] of cases) {
    it(`${name} → ${key}`, () => {
      const err = compare(run(), out(key));
      console.log(`${key}: max abs err ${err.maxAbsErr.toExponential(2)} (rel ${err.rel.toExponential(2)})`);
      expect(err.rel).toBeLessThanOrEqual(REL_TOL);
    });
  }
});

describe('heads → confidence metrics, end to end from the golden representations', () => {
  it('pLDDT (≤ 1e-2), PAE (≤ 1e-3 Å) and pTM (≤ 1e-4)', () => {
    const plddt = computePlddt(predictedLddtHead(out('structure_module_single'), params as Params));
    const tmLogits = predictedAlignedErrorHead(out('pair'), params as Params);
    const pae = computePredictedAlignedError(tmLogits);
    const ptm = predictedTmScore(tmLogits);
    const errPlddt = compare({ ...out('plddt'), data: plddt }, out('plddt')).maxAbsErr;
    const errPae = compare(pae.predictedAlignedError, out('predicted_aligned_error')).maxAbsErr;
    const errPtm = Math.abs(ptm - out('ptm_score').data[0]);
    console.log(
      `end to end: pLDDT ${errPlddt.toExponential(2)}, PAE ${errPae.toExponential(2)} Å, pTM ${errPtm.toExponential(2)}`,
    );
    expect(errPlddt).toBeLessThanOrEqual(1e-2);
    expect(errPae).toBeLessThanOrEqual(1e-3);
    expect(errPtm).toBeLessThanOrEqual(1e-4);
  });
});

describe('runOutputHeads: all heads and metrics at once', () => {
  it('matches every golden head output and metric', () => {
    const p = params as Params;
    expect(hasPredictedAlignedErrorHead(p)).toBe(true);
    const h = runOutputHeads(
      {
        msa: out('msa'),
        pair: out('pair'),
        single: out('single'),
        structureModuleSingle: out('structure_module_single'),
      },
      p,
    );
    for (const [got, key] of [
      [h.lddtLogits, 'lddt_logits'],
      [h.distogramLogits, 'distogram_logits'],
      [h.maskedMsaLogits, 'masked_msa_logits'],
      [h.experimentallyResolvedLogits, 'experimentally_resolved_logits'],
    ] as const) {
      expect(compare(got, out(key)).rel, key).toBeLessThanOrEqual(REL_TOL);
    }
    expect(compare({ ...out('plddt'), data: h.plddt }, out('plddt')).maxAbsErr).toBeLessThanOrEqual(1e-2);
    if (!h.tmLogits || !h.pae || h.ptm === undefined) throw new Error('pTM head outputs missing');
    expect(compare(h.tmLogits, out('tm_logits')).rel).toBeLessThanOrEqual(REL_TOL);
    expect(
      compare(h.pae.predictedAlignedError, out('predicted_aligned_error')).maxAbsErr,
    ).toBeLessThanOrEqual(1e-3);
    expect(Math.abs(h.ptm - out('ptm_score').data[0])).toBeLessThanOrEqual(1e-4);
  });

  it('without the pTM head, PAE and pTM are absent', () => {
    const p = Object.fromEntries(
      Object.entries(params).filter(([k]) => !k.includes('predicted_aligned_error_head')),
    ) as Params;
    const h = runOutputHeads(
      {
        msa: out('msa'),
        pair: out('pair'),
        single: out('single'),
        structureModuleSingle: out('structure_module_single'),
      },
      p,
    );
    expect(h.tmLogits).toBeUndefined();
    expect(h.ptm).toBeUndefined();
    expect(h.plddt.length).toBe(out('plddt').data.length);
  });
});
