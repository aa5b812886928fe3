/**
 * The structure module and heads on the GPU vs the golden vectors (test/fixtures/golden, or
 * $WEBFOLD_GOLDEN_DIR): the per-module pairs (≤ 1e-4 × max |expected|, atoms ≤ 1e-3 Å) and the
 * whole structure module + heads from the golden Evoformer outputs (final atoms ≤ 1e-3 Å,
 * pLDDT ≤ 1e-2, PAE ≤ 1e-4 × max, pTM ≤ 1e-4). Real Dawn device; no device → FAIL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Recorder } from '../../gpu/launch.ts';
import { quatAffinesFrom } from '../../model/geometry/quat-affine.ts';
import type { NdArray } from '../../model/ndarray.ts';
import { loadGoldenModule, loadGoldenNpz } from '../../model/reference/golden-test-support.ts';
import { asF32, type Params, type Tensor } from '../../model/reference/ops.ts';
import { readHeads, runHeadsGpu } from './heads.ts';
import {
  allAtomKernel,
  angleResnetKernel,
  backboneUpdateKernel,
  FRAME_STRIDE,
  ipaFeatureWidth,
  ipaProjWidth,
} from './kernels.ts';
import {
  recordIpa,
  recordLinear,
  recordStructureTransition,
  runStructureModuleGpu,
} from './structure-module.ts';
import { uploadGeometryTables } from './tables.ts';
import { acquireEnv, type Env, frameRecords, maxAbsDiff, read, releaseEnv } from './test-support.ts';
import {
  packHeadsWeights,
  packStructureModuleWeights,
  releaseHeadsWeights,
  releaseStructureModuleWeights,
  uploadHeadsWeights,
  uploadStructureModuleWeights,
} from './weights.ts';

const REL = 1e-4;
const TIMEOUT = 600_000;

let env: Env;
let fullParams: Params;
beforeAll(async () => {
  env = await acquireEnv('structure-golden-test');
  fullParams = await loadGoldenNpz('params.npz');
}, TIMEOUT);
afterAll(() => releaseEnv(env));

/** Module params over the golden model's (so the packers find every key they read). */
async function moduleSetup(name: string) {
  const g = await loadGoldenModule(name);
  const params: Params = { ...fullParams, ...g.params };
  const w = uploadStructureModuleWeights(env.pool, packStructureModuleWeights(params));
  return { g, w };
}

function report(what: string, d: { err: number; scale: number }): void {
  console.log(`${what}: max|err| ${d.err.toExponential(2)}, max|expected| ${d.scale.toPrecision(3)}`);
}

describe('structure-module kernels vs golden module vectors', () => {
  it(
    'invariant_point_attention (rows with mask 1)',
    async () => {
      const { g, w } = await moduleSetup('invariant_point_attention');
      const { single_act, pair_act, mask, quaternion, translation, rotation } = g.inputs;
      const [N, cS] = single_act.shape;
      const rec = new Float32Array(N * FRAME_STRIDE);
      for (let i = 0; i < N; i++) {
        rec.set(quaternion.data.subarray(i * 4, i * 4 + 4), i * FRAME_STRIDE);
        rec.set(translation.data.subarray(i * 3, i * 3 + 3), i * FRAME_STRIDE + 4);
        rec.set(rotation.data.subarray(i * 9, i * 9 + 9), i * FRAME_STRIDE + 7);
      }
      const { pool } = env;
      const b = {
        s: pool.upload(single_act.data, 'golden ipa s'),
        z: pool.upload(pair_act.data, 'golden ipa z'),
        mask: pool.upload(mask.data, 'golden ipa mask'),
        frames: pool.upload(rec, 'golden ipa frames'),
        bias: pool.acquire(N * N * w.ipa.H * 4, 'golden ipa bias'),
        proj: pool.acquire(N * ipaProjWidth(w.ipa) * 4, 'golden ipa proj'),
        feat: pool.acquire(N * ipaFeatureWidth(w.ipa) * 4, 'golden ipa features'),
        out: pool.acquire(N * cS * 4, 'golden ipa out'),
      };
      const r = new Recorder(env.ctx, env.cache, 'golden ipa');
      await recordLinear(r, N * N, b.z, w.pairBias, b.bias);
      await recordIpa(r, w, N, b.s, { ...b, tpw: w.pointWeights, out: b.feat });
      await recordLinear(r, N, b.feat, w.ipaOutput, b.out);
      r.submit();
      const got = await read(env, b.out, N * cS);
      const d = maxAbsDiff(got, g.outputs.update.data, (k) => mask.data[Math.floor(k / cS)] === 1);
      report('golden IPA', d);
      expect(d.err).toBeLessThanOrEqual(REL * d.scale);
      for (const x of Object.values(b)) pool.release(x);
      releaseStructureModuleWeights(pool, w);
    },
    TIMEOUT,
  );

  it(
    'backbone_update (update, quaternion, translation, rotation)',
    async () => {
      const { g, w } = await moduleSetup('backbone_update');
      const { single_act, quaternion, translation } = g.inputs;
      const N = single_act.shape[0];
      const { pool } = env;
      const b = {
        s: pool.upload(single_act.data, 'golden bb s'),
        frames: pool.upload(
          frameRecords(quatAffinesFrom(quaternion.data, translation.data, N, false)),
          'golden bb frames',
        ),
        update: pool.acquire(N * 24, 'golden bb update'),
        affine: pool.acquire(N * 28, 'golden bb affine'),
      };
      const r = new Recorder(env.ctx, env.cache, 'golden backbone update');
      await r.dispatch(
        backboneUpdateKernel(w.cS),
        { N, positionScale: 10 },
        { ...b, w: w.affine.w, b: w.affine.b },
      );
      r.submit();
      const fr = await read(env, b.frames, N * FRAME_STRIDE);
      const pick = (off: number, n: number) =>
        Float32Array.from({ length: N * n }, (_, k) => fr[Math.floor(k / n) * FRAME_STRIDE + off + (k % n)]);
      const checks: [string, ArrayLike<number>, Tensor][] = [
        ['update', await read(env, b.update, N * 6), g.outputs.update],
        ['quaternion', pick(0, 4), g.outputs.quaternion],
        ['translation', pick(4, 3), g.outputs.translation],
        ['rotation', pick(7, 9), g.outputs.rotation],
      ];
      for (const [name, got, want] of checks) {
        const d = maxAbsDiff(got, want.data);
        report(`golden backbone_update/${name}`, d);
        expect(d.err).toBeLessThanOrEqual(REL * d.scale);
      }
      for (const x of Object.values(b)) pool.release(x);
      releaseStructureModuleWeights(pool, w);
    },
    TIMEOUT,
  );

  it(
    'angle_resnet (unnormalized_angles, angles)',
    async () => {
      const { g, w } = await moduleSetup('angle_resnet');
      const { single_act, initial_single_act } = g.inputs;
      const N = single_act.shape[0];
      const { pool } = env;
      const b = {
        s: pool.upload(single_act.data, 'golden angle s'),
        sInit: pool.upload(initial_single_act.data, 'golden angle s_initial'),
        unnorm: pool.acquire(N * 56, 'golden angle unnorm'),
        angles: pool.acquire(N * 56, 'golden angle angles'),
      };
      const r = new Recorder(env.ctx, env.cache, 'golden angle resnet');
      await r.dispatch(angleResnetKernel(w.angle), { N }, { ...b, w: w.angleResnet });
      r.submit();
      for (const [name, buf] of [
        ['unnormalized_angles', b.unnorm],
        ['angles', b.angles],
      ] as const) {
        const d = maxAbsDiff(await read(env, buf, N * 14), g.outputs[name].data);
        report(`golden angle_resnet/${name}`, d);
        expect(d.err).toBeLessThanOrEqual(REL * d.scale);
      }
      for (const x of Object.values(b)) pool.release(x);
      releaseStructureModuleWeights(pool, w);
    },
    TIMEOUT,
  );

  it(
    'structure_module_transition',
    async () => {
      const { g, w } = await moduleSetup('structure_module_transition');
      const { single_act } = g.inputs;
      const [N, cS] = single_act.shape;
      const { pool } = env;
      const x = pool.upload(single_act.data, 'golden transition x');
      const y = pool.acquire(N * cS * 4, 'golden transition y');
      const hidden = w.transition
        .slice(0, -1)
        .map((l) => pool.acquire(N * l.cOut * 4, 'golden transition hidden'));
      const r = new Recorder(env.ctx, env.cache, 'golden transition');
      await recordStructureTransition(r, w, N, x, hidden, y);
      r.submit();
      const d = maxAbsDiff(await read(env, y, N * cS), g.outputs.output.data);
      report('golden structure_module_transition', d);
      expect(d.err).toBeLessThanOrEqual(REL * d.scale);
      for (const b of [x, y, ...hidden]) pool.release(b);
      releaseStructureModuleWeights(pool, w);
    },
    TIMEOUT,
  );

  it(
    'all_atom_from_torsions (frames, atom14, atom37 ≤ 1e-3 Å; atom37 mask exact)',
    async () => {
      const g = await loadGoldenModule('all_atom_from_torsions');
      const { aatype, backbone_rotation, backbone_translation, angles } = g.inputs;
      const N = aatype.shape[0];
      const rec = new Float32Array(N * FRAME_STRIDE);
      for (let i = 0; i < N; i++) {
        rec.set(backbone_translation.data.subarray(i * 3, i * 3 + 3), i * FRAME_STRIDE + 4);
        rec.set(backbone_rotation.data.subarray(i * 9, i * 9 + 9), i * FRAME_STRIDE + 7);
      }
      const { pool } = env;
      const b = {
        aatype: pool.upload(Int32Array.from(aatype.data), 'golden atoms aatype'),
        frames: pool.upload(rec, 'golden atoms frames'),
        angles: pool.upload(angles.data, 'golden atoms angles'),
        tables: uploadGeometryTables(pool),
        groupFrames: pool.acquire(N * 128 * 4, 'golden atoms group frames'),
        atom14: pool.acquire(N * 42 * 4, 'golden atoms atom14'),
        atom37: pool.acquire(N * 111 * 4, 'golden atoms atom37'),
        mask37: pool.acquire(N * 37 * 4, 'golden atoms mask37'),
      };
      const r = new Recorder(env.ctx, env.cache, 'golden all atom');
      // translations are already in Å here
      await r.dispatch(allAtomKernel(), { N, positionScale: 1 }, b);
      r.submit();
      const checks: [string, GPUBuffer, number][] = [
        ['all_frames_to_global', b.groupFrames, 128],
        ['atom14_positions', b.atom14, 42],
        ['atom37_positions', b.atom37, 111],
      ];
      for (const [name, buf, per] of checks) {
        const d = maxAbsDiff(await read(env, buf, N * per), g.outputs[name].data);
        report(`golden all_atom/${name}`, d);
        expect(d.err).toBeLessThanOrEqual(1e-3);
      }
      expect([...(await read(env, b.mask37, N * 37))]).toEqual([...g.outputs.atom37_atom_exists.data]);
      for (const x of Object.values(b)) pool.release(x);
    },
    TIMEOUT,
  );
});

describe('whole structure module + heads on the GPU vs golden final outputs', () => {
  it(
    "from outputs.npz 'r2/single' and 'pair': atoms, affine, pLDDT, PAE, pTM",
    async () => {
      const [inputs, outputs] = await Promise.all([
        loadGoldenNpz('inputs.npz'),
        loadGoldenNpz('outputs.npz'),
      ]);
      const f = (k: string): Tensor => asF32(outputs[k] as NdArray, k);
      const single = f('r2/single');
      const pair = f('pair');
      const [N, cS] = single.shape;
      const aatype = Int32Array.from(asF32(inputs.aatype as NdArray).data);
      const seqMask = asF32(inputs.seq_mask as NdArray).data;
      const { pool, ctx, cache } = env;
      const w = uploadStructureModuleWeights(pool, packStructureModuleWeights(fullParams));
      const hw = uploadHeadsWeights(pool, packHeadsWeights(fullParams));
      const sBuf = pool.upload(single.data, 'golden s');
      const zBuf = pool.upload(pair.data, 'golden z');
      const sm = await runStructureModuleGpu(ctx, cache, pool, w, sBuf, zBuf, aatype, seqMask, 8);
      const heads = await runHeadsGpu(ctx, cache, pool, hw, sm.single, zBuf, N, cS);
      const got = await readHeads(ctx, heads);
      console.log(
        `structure module dispatches: ${JSON.stringify(sm.dispatches)}; heads: ${heads.dispatches}`,
      );

      const mask37 = f('final_atom_mask').data;
      const atoms = maxAbsDiff(
        await read(env, sm.atom37, N * 111),
        f('final_atom_positions').data,
        (k) => mask37[Math.floor(k / 3)] === 1,
      );
      report('golden final_atom_positions (Å)', atoms);
      expect(atoms.err).toBeLessThanOrEqual(1e-3);
      expect([...(await read(env, sm.atom37Mask, N * 37))]).toEqual([...mask37]);
      const a14 = maxAbsDiff(await read(env, sm.atom14, N * 42), f('final_atom14_positions').data);
      report('golden final_atom14_positions (Å)', a14);
      expect(a14.err).toBeLessThanOrEqual(1e-3);
      const aff = maxAbsDiff(await read(env, sm.affine, N * 7), f('final_affine_tensor').data);
      report('golden final_affine_tensor', aff);
      expect(aff.err).toBeLessThanOrEqual(1e-3);
      const sOut = maxAbsDiff(await read(env, sm.single, N * cS), f('structure_module_single').data);
      report('golden structure_module_single', sOut);
      expect(sOut.err).toBeLessThanOrEqual(REL * sOut.scale);

      const pl = maxAbsDiff(got.plddt, f('plddt').data);
      report('golden plddt', pl);
      expect(pl.err).toBeLessThanOrEqual(1e-2);
      const pae = maxAbsDiff(got.pae ?? [], f('predicted_aligned_error').data);
      report('golden predicted_aligned_error', pae);
      expect(pae.err).toBeLessThanOrEqual(REL * pae.scale);
      const ptmErr = Math.abs((got.ptm ?? Number.NaN) - f('ptm_score').data[0]);
      console.log(
        `golden ptm_score: |err| ${ptmErr.toExponential(2)} (${got.ptm} vs ${f('ptm_score').data[0]})`,
      );
      expect(ptmErr).toBeLessThanOrEqual(1e-4);
      expect(got.maxPae).toBeCloseTo(f('max_predicted_aligned_error').data[0], 4);

      sm.release();
      heads.release();
      pool.release(sBuf);
      pool.release(zBuf);
      releaseStructureModuleWeights(pool, w);
      releaseHeadsWeights(pool, hw);
    },
    TIMEOUT,
  );
});
