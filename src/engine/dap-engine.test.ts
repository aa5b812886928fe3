/**
 * DAP on real Dawn devices in one process: the golden fold split over P = 2 and 3 ranks
 * (N_res = 35 divides by neither) equals the golden result, and every rank returns the same
 * prediction; a rank whose device is lost mid-fold ends the fold on every rank with its error.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { DeviceLostError } from '../gpu/errors.ts';
import { acquireNodeDevice } from '../gpu/node.ts';
import type { FoldInput } from '../model/engine.ts';
import { syntheticFeatures } from '../model/features/synthetic.ts';
import type { NdArray } from '../model/ndarray.ts';
import { compare, loadGoldenNpz } from '../model/reference/golden-test-support.ts';
import { asF32 } from '../model/reference/ops.ts';
import { InProcessDapEngine } from './dap-engine.ts';

const engines: InProcessDapEngine[] = [];
afterAll(async () => {
  for (const e of engines) await e.dispose();
});

function dapEngine(P: number, timeoutMs?: number): InProcessDapEngine {
  const e = new InProcessDapEngine(P, (r) => acquireNodeDevice({ label: `dap-rank-${r}` }), { timeoutMs });
  engines.push(e);
  return e;
}

/** max |a − b| (same shapes; a NaN fails). */
const maxDiff = (a: NdArray, b: NdArray) => compare(asF32(a), asF32(b)).maxAbsErr;

/** The fold of `input` over P devices equals it on one, within `tol` (atoms Å, pLDDT). */
async function expectSplitAsOne(input: FoldInput, P: number, tol: { atoms: number; plddt: number }) {
  const one = await dapEngine(1).fold(input);
  const split = await dapEngine(P).fold(input);
  expect(maxDiff(split.outputs.final_atom_positions, one.outputs.final_atom_positions)).toBeLessThanOrEqual(
    tol.atoms,
  );
  expect(maxDiff(split.outputs.plddt, one.outputs.plddt)).toBeLessThanOrEqual(tol.plddt);
}

describe('InProcessDapEngine', () => {
  for (const [P, suffix] of [
    [2, '_templates'],
    [3, ''],
  ] as const) {
    it(`folds the golden input${suffix ? ' with templates' : ''} over ${P} devices to the golden result`, async () => {
      const [params, features, golden] = await Promise.all(
        ['params.npz', `inputs${suffix}.npz`, `outputs${suffix}.npz`].map(loadGoldenNpz),
      );
      const engine = dapEngine(P);
      const gathered: string[] = [];
      const pred = await engine.fold({
        features,
        params: { name: 'golden params', arrays: params },
        options: {
          numRecycles: Number(golden.num_recycles.data[0]) - 1,
          fullOutputs: true,
          onProgress: (p) => gathered.push(p.stage),
        },
      });
      expect(maxDiff(pred.outputs.final_atom_positions, golden.final_atom_positions)).toBeLessThanOrEqual(
        1e-3,
      );
      expect(maxDiff(pred.outputs.plddt, golden.plddt)).toBeLessThanOrEqual(1e-2);
      expect(
        Math.abs(Number(pred.outputs.ptm_score.data[0]) - Number(golden.ptm_score.data[0])),
      ).toBeLessThanOrEqual(1e-4);
      expect(gathered).toContain('evoformer');
      // every block gathers the 9 modules' lines in 2 pieces; the ranks' shares partition every
      // tensor, so together they send (P − 1) × each module's output per block
      const iterations = Number(golden.num_recycles.data[0]);
      const [S0, N] = features.msa_feat.shape;
      const S = S0 + (features.template_aatype?.shape[0] ?? 0); // + the template torsion rows
      const nExtra = features.extra_msa.shape[0];
      const [cm, cz, ce] = [32, 16, 16]; // the golden dims (stats.json)
      const perIteration = 2 * (3 * S * N * cm + 6 * N * N * cz) + 2 * (3 * nExtra * N * ce + 6 * N * N * cz);
      const stats = engine.ranks.map((r) => r.lastExchange!);
      for (const s of stats) expect(s.gathers).toBe(iterations * 4 * 9 * 2);
      expect(stats.reduce((a, s) => a + s.bytesSent, 0)).toBe((P - 1) * 4 * iterations * perIteration);
      for (const s of stats) expect(s.exposedMs).toBeGreaterThanOrEqual(0);
    }, 600_000);
  }

  it('folds in f16 storage over 2 devices as on one', async () => {
    const [params, features] = await Promise.all(['params.npz', 'inputs.npz'].map(loadGoldenNpz));
    const input = {
      features,
      params: { name: 'golden params', arrays: params },
      options: { numRecycles: 0, precision: 'f16' as const, fullOutputs: true },
    };
    await expectSplitAsOne(input, 2, { atoms: 1e-3, plddt: 1e-2 });
  }, 300_000);

  it('folds fewer residues and sequences than ranks (empty shares) as on one device', async () => {
    const params = await loadGoldenNpz('params.npz');
    const input = {
      features: syntheticFeatures(3, 2, 1, 5), // N_res = 3, N_seq = 2, N_extra = 1 over 4 ranks
      params: { name: 'golden params', arrays: params },
      options: { numRecycles: 1, fullOutputs: true },
    };
    await expectSplitAsOne(input, 4, { atoms: 1e-4, plddt: 1e-3 });
  }, 300_000);

  it('stops every rank with the lost rank named when a device is lost mid-fold', async () => {
    const [params, features] = await Promise.all(['params.npz', 'inputs.npz'].map(loadGoldenNpz));
    const engine = dapEngine(2, 20_000);
    const victim = (await engine.ranks[1].gpuEnv()).ctx.device;
    const run = engine.fold({
      features,
      params: { name: 'golden params', arrays: params },
      options: {
        numRecycles: 0,
        onProgress: (p) => {
          if (p.stage === 'evoformer' && p.block === 1) victim.destroy();
        },
      },
    });
    const err = await run.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DeviceLostError);
    expect((err as Error).message).toMatch(
      /^DAP rank 1 lost its GPUDevice \(destroyed.*stopped on all 2 ranks$/,
    );
  }, 300_000);
});
