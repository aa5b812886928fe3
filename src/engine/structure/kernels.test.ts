/**
 * Each structure-module / head kernel vs the CPU reference (src/model/reference, f64) on seeded
 * inputs at N_res = 1, 7, 33, 65 with masked residues, golden-sized weights (test/fixtures/golden
 * params.npz). Real Dawn device; no device → FAIL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Recorder } from '../../gpu/launch.ts';
import {
  computePlddt,
  computePredictedAlignedError,
  predictedTmScore,
} from '../../model/confidence/index.ts';
import { computeAllAtomCoordinates } from '../../model/geometry/all-atom.ts';
import { quatAffinesToRigids } from '../../model/geometry/quat-affine.ts';
import { angleResnet } from '../../model/reference/angle-resnet.ts';
import { backboneUpdate } from '../../model/reference/backbone-update.ts';
import { loadGoldenNpz } from '../../model/reference/golden-test-support.ts';
import { invariantPointAttention, ipaPairBias } from '../../model/reference/invariant-point-attention.ts';
import { type Params, tensor } from '../../model/reference/ops.ts';
import { predictedAlignedErrorHead } from '../../model/reference/output-heads.ts';
import { predictedLddtHead } from '../../model/reference/predicted-lddt-head.ts';
import { structureModuleTransition } from '../../model/reference/structure-module-transition.ts';
import { seededArray } from '../kernels/check.ts';
import { readHeads, runHeadsGpu } from './heads.ts';
import {
  allAtomKernel,
  angleResnetKernel,
  backboneUpdateKernel,
  ipaFeatureWidth,
  ipaProjWidth,
} from './kernels.ts';
import { recordIpa, recordLinear, recordStructureTransition } from './structure-module.ts';
import { uploadGeometryTables } from './tables.ts';
import {
  acquireEnv,
  type Env,
  frameRecords,
  maxAbsDiff,
  randomQuatAffines,
  read,
  releaseEnv,
  testMask,
} from './test-support.ts';
import {
  type HeadsDeviceWeights,
  packHeadsWeights,
  packStructureModuleWeights,
  releaseHeadsWeights,
  releaseStructureModuleWeights,
  type StructureModuleDeviceWeights,
  uploadHeadsWeights,
  uploadStructureModuleWeights,
} from './weights.ts';

const SIZES = [1, 7, 33, 65];
const REL = 1e-4;
/** Generous: the shared CI machines are often loaded, and drivers compile pipelines on first use. */
const TIMEOUT = 600_000;

let env: Env;
let params: Params;
let w: StructureModuleDeviceWeights;
let hw: HeadsDeviceWeights;
beforeAll(async () => {
  env = await acquireEnv('structure-kernels-test');
  params = await loadGoldenNpz('params.npz');
  w = uploadStructureModuleWeights(env.pool, packStructureModuleWeights(params));
  hw = uploadHeadsWeights(env.pool, packHeadsWeights(params));
}, TIMEOUT);
afterAll(() => {
  if (env) {
    releaseStructureModuleWeights(env.pool, w);
    releaseHeadsWeights(env.pool, hw);
  }
  releaseEnv(env);
});

describe('structure-module kernels vs CPU reference (real Dawn device)', () => {
  for (const N of SIZES) {
    it(
      `IPA (projections + fused attention + output projection) at N_res = ${N}, masked residues`,
      async () => {
        const { cS, cZ, ipa } = w;
        const s = tensor([N, cS], seededArray(N * cS, 10 + N, -2, 2));
        const z = tensor([N, N, cZ], seededArray(N * N * cZ, 20 + N, -2, 2));
        const mask = testMask(N);
        const T = randomQuatAffines(N, 30 + N);
        const want = invariantPointAttention(s, z, tensor([N], mask), quatAffinesToRigids(T), params);

        const { pool } = env;
        const bufs = {
          s: pool.upload(s.data, 'ipa test s'),
          z: pool.upload(z.data, 'ipa test z'),
          bias: pool.acquire(N * N * ipa.H * 4, 'ipa test bias'),
          proj: pool.acquire(N * ipaProjWidth(ipa) * 4, 'ipa test proj'),
          frames: pool.upload(frameRecords(T), 'ipa test frames'),
          mask: pool.upload(mask, 'ipa test mask'),
          feat: pool.acquire(N * ipaFeatureWidth(ipa) * 4, 'ipa test features'),
          out: pool.acquire(N * cS * 4, 'ipa test out'),
        };
        const rec = new Recorder(env.ctx, env.cache, 'ipa test');
        await recordLinear(rec, N * N, bufs.z, w.pairBias, bufs.bias);
        await recordIpa(rec, w, N, bufs.s, {
          proj: bufs.proj,
          frames: bufs.frames,
          bias: bufs.bias,
          z: bufs.z,
          mask: bufs.mask,
          tpw: w.pointWeights,
          out: bufs.feat,
        });
        await recordLinear(rec, N, bufs.feat, w.ipaOutput, bufs.out);
        rec.submit();
        const got = await read(env, bufs.out, N * cS);
        const d = maxAbsDiff(got, want.data);
        console.log(`IPA N=${N}: max|err| ${d.err.toExponential(2)} (max|ref| ${d.scale.toFixed(2)})`);
        expect(d.err).toBeLessThanOrEqual(REL * d.scale);
        // the pair bias matmul against the reference's
        const bias = await read(env, bufs.bias, N * N * ipa.H);
        const wantBias = ipaPairBias(z, params);
        expect(maxAbsDiff(bias, wantBias.data).err).toBeLessThanOrEqual(
          REL * maxAbsDiff(bias, wantBias.data).scale,
        );
        for (const b of Object.values(bufs)) pool.release(b);
      },
      TIMEOUT,
    );

    it(
      `backbone update at N_res = ${N}`,
      async () => {
        const { cS } = w;
        const s = tensor([N, cS], seededArray(N * cS, 40 + N, -2, 2));
        const T = randomQuatAffines(N, 50 + N, 1);
        const want = backboneUpdate(s, T, params);
        const { pool } = env;
        const bufs = {
          s: pool.upload(s.data, 'bb test s'),
          frames: pool.upload(frameRecords(T), 'bb test frames'),
          update: pool.acquire(N * 6 * 4, 'bb test update'),
          affine: pool.acquire(N * 7 * 4, 'bb test affine'),
        };
        const rec = new Recorder(env.ctx, env.cache, 'backbone update test');
        await rec.dispatch(
          backboneUpdateKernel(cS),
          { N, positionScale: 10 },
          {
            s: bufs.s,
            w: w.affine.w,
            b: w.affine.b,
            frames: bufs.frames,
            update: bufs.update,
            affine: bufs.affine,
          },
        );
        rec.submit();
        const got = await read(env, bufs.frames, N * 16);
        const wantRec = frameRecords(want.frames);
        const d = maxAbsDiff(got, wantRec);
        console.log(`backbone update N=${N}: frames max|err| ${d.err.toExponential(2)}`);
        expect(d.err).toBeLessThanOrEqual(REL * d.scale);
        const u = maxAbsDiff(await read(env, bufs.update, N * 6), want.update.data);
        expect(u.err).toBeLessThanOrEqual(REL * u.scale);
        for (const b of Object.values(bufs)) pool.release(b);
      },
      TIMEOUT,
    );

    it(
      `angle resnet at N_res = ${N}`,
      async () => {
        const { cS } = w;
        const s = tensor([N, cS], seededArray(N * cS, 60 + N, -2, 2));
        const si = tensor([N, cS], seededArray(N * cS, 70 + N, -2, 2));
        const want = angleResnet(s, si, params);
        const { pool } = env;
        const bufs = {
          s: pool.upload(s.data, 'angle test s'),
          sInit: pool.upload(si.data, 'angle test s_initial'),
          unnorm: pool.acquire(N * 14 * 4, 'angle test unnorm'),
          angles: pool.acquire(N * 14 * 4, 'angle test angles'),
        };
        const rec = new Recorder(env.ctx, env.cache, 'angle resnet test');
        await rec.dispatch(angleResnetKernel(w.angle), { N }, { ...bufs, w: w.angleResnet });
        rec.submit();
        const du = maxAbsDiff(await read(env, bufs.unnorm, N * 14), want.unnormalizedAngles.data);
        const da = maxAbsDiff(await read(env, bufs.angles, N * 14), want.angles.data);
        console.log(`angle resnet N=${N}: max|err| ${du.err.toExponential(2)} / ${da.err.toExponential(2)}`);
        expect(du.err).toBeLessThanOrEqual(REL * du.scale);
        expect(da.err).toBeLessThanOrEqual(REL * da.scale);
        for (const b of Object.values(bufs)) pool.release(b);
      },
      TIMEOUT,
    );

    it(
      `structure-module transition (matmul epilogues + layer norm) at N_res = ${N}`,
      async () => {
        const { cS } = w;
        const s = tensor([N, cS], seededArray(N * cS, 80 + N, -2, 2));
        const want = structureModuleTransition(s, params);
        const { pool } = env;
        const x = pool.upload(s.data, 'transition test x');
        const y = pool.acquire(N * cS * 4, 'transition test y');
        const hidden = w.transition
          .slice(0, -1)
          .map((l) => pool.acquire(N * l.cOut * 4, 'transition test hidden'));
        const rec = new Recorder(env.ctx, env.cache, 'transition test');
        await recordStructureTransition(rec, w, N, x, hidden, y);
        rec.submit();
        const d = maxAbsDiff(await read(env, y, N * cS), want.data);
        console.log(`transition N=${N}: max|err| ${d.err.toExponential(2)} (max|ref| ${d.scale.toFixed(2)})`);
        expect(d.err).toBeLessThanOrEqual(REL * d.scale);
        for (const b of [x, y, ...hidden]) pool.release(b);
      },
      TIMEOUT,
    );

    it(
      `torsions → frames → atom14 → atom37 at N_res = ${N}`,
      async () => {
        const aatype = Int32Array.from({ length: N }, (_, i) => (i * 7 + N) % 21);
        const T = randomQuatAffines(N, 90 + N, 3);
        const ang = seededArray(N * 14, 95 + N, -1, 1);
        for (let k = 0; k < N * 7; k++) {
          const r = Math.hypot(ang[2 * k], ang[2 * k + 1]) || 1;
          ang[2 * k] /= r;
          ang[2 * k + 1] /= r;
        }
        const want = computeAllAtomCoordinates(aatype, quatAffinesToRigids(T, 10), ang);
        const { pool } = env;
        const bufs = {
          aatype: pool.upload(aatype, 'atoms test aatype'),
          frames: pool.upload(frameRecords(T), 'atoms test frames'),
          angles: pool.upload(ang, 'atoms test angles'),
          tables: uploadGeometryTables(pool),
          groupFrames: pool.acquire(N * 128 * 4, 'atoms test group frames'),
          atom14: pool.acquire(N * 42 * 4, 'atoms test atom14'),
          atom37: pool.acquire(N * 111 * 4, 'atoms test atom37'),
          mask37: pool.acquire(N * 37 * 4, 'atoms test mask37'),
        };
        const rec = new Recorder(env.ctx, env.cache, 'all atom test');
        await rec.dispatch(allAtomKernel(), { N, positionScale: 10 }, bufs);
        rec.submit();
        const df = maxAbsDiff(await read(env, bufs.groupFrames, N * 128), want.frames.data);
        const d14 = maxAbsDiff(await read(env, bufs.atom14, N * 42), want.atom14.data);
        const d37 = maxAbsDiff(await read(env, bufs.atom37, N * 111), want.atom37.data);
        console.log(
          `all atom N=${N}: frames ${df.err.toExponential(2)}, atom14 ${d14.err.toExponential(2)}, atom37 ${d37.err.toExponential(2)} Å`,
        );
        expect(df.err).toBeLessThanOrEqual(1e-3);
        expect(d14.err).toBeLessThanOrEqual(1e-3);
        expect(d37.err).toBeLessThanOrEqual(1e-3);
        for (const b of Object.values(bufs)) pool.release(b);
      },
      TIMEOUT,
    );

    it(
      `heads (pLDDT, PAE, pTM) at N_res = ${N}`,
      async () => {
        const { cS, cZ } = w;
        const s = tensor([N, cS], seededArray(N * cS, 100 + N, -2, 2));
        const z = tensor([N, N, cZ], seededArray(N * N * cZ, 110 + N, -2, 2));
        const wantPlddt = computePlddt(predictedLddtHead(s, params));
        const tm = predictedAlignedErrorHead(z, params);
        const wantPae = computePredictedAlignedError(tm);
        const wantPtm = predictedTmScore(tm);
        const { pool } = env;
        const sb = pool.upload(s.data, 'heads test s');
        const zb = pool.upload(z.data, 'heads test z');
        const r = await runHeadsGpu(env.ctx, env.cache, pool, hw, sb, zb, N, cS);
        const got = await readHeads(env.ctx, r);
        const dl = maxAbsDiff(got.plddt, wantPlddt);
        const dp = maxAbsDiff(got.pae ?? [], wantPae.predictedAlignedError.data);
        const dt = Math.abs((got.ptm ?? Number.NaN) - wantPtm);
        console.log(
          `heads N=${N}: pLDDT ${dl.err.toExponential(2)}, PAE ${dp.err.toExponential(2)}, pTM ${dt.toExponential(2)}`,
        );
        expect(dl.err).toBeLessThanOrEqual(1e-2);
        expect(dp.err).toBeLessThanOrEqual(REL * dp.scale);
        expect(Math.abs((got.ptm ?? Number.NaN) - wantPtm)).toBeLessThanOrEqual(1e-4);
        expect(got.maxPae).toBeCloseTo(wantPae.maxPredictedAlignedError, 4);
        r.release();
        pool.release(sb);
        pool.release(zb);
      },
      TIMEOUT,
    );
  }
});
