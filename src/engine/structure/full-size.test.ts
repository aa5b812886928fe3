/**
 * Issue 5 acceptance: GPU = CPU reference on random FULL-size weights (model_1_ptm sizes: c_s 384,
 * c_z 128, IPA 12 heads × 16, 4 + 8 points, angle resnet 128) for the structure module, 8 layers,
 * at N_res = 24 with masked residues; plus the heads at full size. Real Dawn device; no device → FAIL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  computePlddt,
  computePredictedAlignedError,
  predictedTmScore,
} from '../../model/confidence/index.ts';
import { PRESETS, presetLayout } from '../../model/params/presets.ts';
import { Rng, randomParams } from '../../model/params/random-params.ts';
import { buildSchema } from '../../model/params/schema.ts';
import { type Params, tensor } from '../../model/reference/ops.ts';
import { predictedAlignedErrorHead } from '../../model/reference/output-heads.ts';
import { predictedLddtHead } from '../../model/reference/predicted-lddt-head.ts';
import { structureModule } from '../../model/reference/structure-module.ts';
import {
  PREDICTED_ALIGNED_ERROR_HEAD,
  PREDICTED_LDDT_HEAD,
  STRUCTURE_MODULE,
} from '../../model/reference/structure-paths.ts';
import { readHeads, runHeadsGpu } from './heads.ts';
import { runStructureModuleGpu } from './structure-module.ts';
import { acquireEnv, type Env, maxAbsDiff, read, releaseEnv } from './test-support.ts';
import {
  packHeadsWeights,
  packStructureModuleWeights,
  releaseHeadsWeights,
  releaseStructureModuleWeights,
  uploadHeadsWeights,
  uploadStructureModuleWeights,
} from './weights.ts';

const TIMEOUT = 600_000;
const N = 24;

let env: Env;
let params: Params;
beforeAll(async () => {
  env = await acquireEnv('structure-full-size-test');
  const prefixes = [STRUCTURE_MODULE, PREDICTED_LDDT_HEAD, PREDICTED_ALIGNED_ERROR_HEAD].map((p) => `${p}/`);
  const schema = buildSchema(presetLayout()).filter((e) => prefixes.some((p) => e.key.startsWith(p)));
  params = Object.fromEntries(randomParams(schema, PRESETS.full, 5));
}, TIMEOUT);
afterAll(() => releaseEnv(env));

describe('structure module + heads, random full-size weights, N_res = 24', () => {
  it(
    'GPU = CPU reference (atoms ≤ 1e-3 Å, s ≤ 1e-4 rel, pLDDT ≤ 1e-2, PAE ≤ 1e-4 rel, pTM ≤ 1e-4)',
    async () => {
      const w = packStructureModuleWeights(params);
      expect([w.cS, w.cZ, w.ipa.H, w.ipa.C, w.ipa.Pq, w.ipa.Pv, w.angle.c]).toEqual([
        384, 128, 12, 16, 4, 8, 128,
      ]);
      const rng = new Rng(3);
      const single = tensor([N, w.cS]);
      const pair = tensor([N, N, w.cZ]);
      for (const t of [single, pair]) for (let i = 0; i < t.data.length; i++) t.data[i] = rng.normal();
      const aatype = Int32Array.from({ length: N }, (_, i) => (i * 5 + 3) % 21);
      const mask = new Float32Array(N).fill(1);
      mask[5] = 0;
      mask[N - 1] = 0;

      const ref = structureModule(single, pair, aatype, params, {
        seqMask: tensor([N], mask),
        trajectory: false,
      });
      const lddt = computePlddt(predictedLddtHead(ref.single, params));
      const tm = predictedAlignedErrorHead(pair, params);
      const pae = computePredictedAlignedError(tm);
      const ptm = predictedTmScore(tm);

      const { ctx, cache, pool } = env;
      const dw = uploadStructureModuleWeights(pool, w);
      const hw = uploadHeadsWeights(pool, packHeadsWeights(params));
      const sBuf = pool.upload(single.data, 'full-size s');
      const zBuf = pool.upload(pair.data, 'full-size z');
      const sm = await runStructureModuleGpu(ctx, cache, pool, dw, sBuf, zBuf, aatype, mask, 8);
      const heads = await runHeadsGpu(ctx, cache, pool, hw, sm.single, zBuf, N, w.cS);
      const got = await readHeads(ctx, heads);

      const atoms = maxAbsDiff(await read(env, sm.atom37, N * 111), ref.atom37.data);
      const sDiff = maxAbsDiff(await read(env, sm.single, N * w.cS), ref.single.data);
      const fDiff = maxAbsDiff(await read(env, sm.affine, N * 7), ref.frames.data);
      const pl = maxAbsDiff(got.plddt, lddt);
      const pd = maxAbsDiff(got.pae ?? [], pae.predictedAlignedError.data);
      const ptmErr = Math.abs((got.ptm ?? Number.NaN) - ptm);
      console.log(
        `full size N=${N}: atom37 max|err| ${atoms.err.toExponential(2)} Å (max ${atoms.scale.toFixed(1)}), ` +
          `s ${sDiff.err.toExponential(2)} (max ${sDiff.scale.toFixed(2)}), affine ${fDiff.err.toExponential(2)}, ` +
          `pLDDT ${pl.err.toExponential(2)}, PAE ${pd.err.toExponential(2)}, pTM ${ptmErr.toExponential(2)}; ` +
          `dispatches ${JSON.stringify(sm.dispatches)}, heads ${heads.dispatches}`,
      );
      expect(atoms.err).toBeLessThanOrEqual(1e-3);
      expect(fDiff.err).toBeLessThanOrEqual(1e-3);
      expect(sDiff.err).toBeLessThanOrEqual(1e-4 * sDiff.scale);
      expect(pl.err).toBeLessThanOrEqual(1e-2);
      expect(pd.err).toBeLessThanOrEqual(1e-4 * pd.scale);
      expect(ptmErr).toBeLessThanOrEqual(1e-4);

      sm.release();
      heads.release();
      pool.release(sBuf);
      pool.release(zBuf);
      releaseStructureModuleWeights(pool, dw);
      releaseHeadsWeights(pool, hw);
    },
    TIMEOUT,
  );
});
