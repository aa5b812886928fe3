/**
 * Algorithm 20 (the whole structure module) vs the full-model golden outputs: for every
 * recycling iteration r of each golden run (without and, where present, with templates), the
 * Evoformer's single `r<r>/single` and last-block pair are fed to the structure module and every
 * per-layer output is compared. Sizes (residues, layers, blocks, recycles) are read from the data.
 * Plus odd shapes (N_res = 1, 7) and masked residues with the golden parameters.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { NdArray } from '../ndarray.ts';
import { readNpz } from '../params/npz.ts';
import { fileSource } from '../params/source-node.ts';
import { compare, GOLDEN_DIR, REL_TOL } from './golden-test-support.ts';
import { asF32, type Params, type Tensor, tensor } from './ops.ts';
import { type StructureModuleLayer, stackLayers, structureModule } from './structure-module.ts';

async function load(file: string): Promise<Record<string, NdArray>> {
  const source = await fileSource(`${GOLDEN_DIR}/${file}`);
  try {
    return await readNpz(source);
  } finally {
    await source.close?.();
  }
}

const runs = [
  ['outputs.npz', 'inputs.npz'],
  ['outputs_templates.npz', 'inputs_templates.npz'],
].filter(([o, i]) => existsSync(`${GOLDEN_DIR}/${o}`) && existsSync(`${GOLDEN_DIR}/${i}`));
const params = (await load('params.npz')) as Params;

const perLayer: [keyof StructureModuleLayer, string, boolean][] = [
  ['frames', 'sm_frames', false],
  ['sidechainFrames', 'sm_sidechain_frames', false],
  ['unnormalizedAngles', 'sm_unnormalized_angles', false],
  ['angles', 'sm_angles', false],
  ['atom14', 'sm_atom14_positions', true],
  ['single', 'sm_states', false],
];

function check(name: string, got: Tensor, want: Tensor, isAtoms: boolean): void {
  const err = compare(got, want);
  console.log(`${name}: max abs err ${err.maxAbsErr.toExponential(2)} (rel ${err.rel.toExponential(2)})`);
  expect(err.rel).toBeLessThanOrEqual(REL_TOL);
  if (isAtoms) expect(err.maxAbsErr).toBeLessThanOrEqual(1e-3);
}

for (const [outputsFile, inputsFile] of runs) {
  const [outputs, inputs] = await Promise.all([load(outputsFile), load(inputsFile)]);
  const out = (k: string): Tensor => {
    const a = outputs[k];
    if (!a) throw new Error(`${outputsFile} has no ${k}`);
    return asF32(a, k);
  };
  const aatype = Int32Array.from(inputs.aatype.data as Int32Array);
  const seqMask = asF32(inputs.seq_mask, 'seq_mask');
  const recycles = Object.keys(outputs)
    .map((k) => /^r(\d+)\/single$/.exec(k)?.[1])
    .filter((r): r is string => r !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
  const lastBlock = Math.max(
    ...Object.keys(outputs)
      .map((k) => /^r0\/evoformer_block(\d+)_pair$/.exec(k)?.[1])
      .filter((b): b is string => b !== undefined)
      .map(Number),
  );

  describe(`Algorithm 20: structure module vs golden ${outputsFile}`, () => {
    it('finds the recycling iterations', () => {
      expect(recycles.length).toBeGreaterThan(0);
      expect(Number.isFinite(lastBlock)).toBe(true);
    });

    for (const r of recycles) {
      it(`iteration r${r}: every layer's frames, angles, atoms and states`, () => {
        const numLayers = out(`r${r}/sm_frames`).shape[0];
        const sm = structureModule(
          out(`r${r}/single`),
          out(`r${r}/evoformer_block${lastBlock}_pair`),
          aatype,
          params,
          {
            numLayers,
            seqMask,
          },
        );
        expect(sm.layers.length).toBe(numLayers);
        for (const [field, key, isAtoms] of perLayer) {
          check(`${outputsFile} r${r}/${key}`, stackLayers(sm.layers, field), out(`r${r}/${key}`), isAtoms);
        }
        check(`${outputsFile} r${r}/sm_single`, sm.single, out(`r${r}/sm_single`), false);
        check(
          `${outputsFile} r${r}/final_atom_positions`,
          sm.atom37,
          out(`r${r}/final_atom_positions`),
          true,
        );
      });
    }

    it('final outputs: affine, atom14/atom37 (≤ 1e-3 Å), atom mask, structure-module single', () => {
      const numLayers = out(`r${recycles[0]}/sm_frames`).shape[0];
      const sm = structureModule(out('single'), out('pair'), aatype, params, {
        numLayers,
        seqMask,
        trajectory: false,
      });
      expect(sm.layers.length).toBe(0);
      check(`${outputsFile} final_affine_tensor`, sm.frames, out('final_affine_tensor'), false);
      check(`${outputsFile} final_atom14_positions`, sm.atom14, out('final_atom14_positions'), true);
      check(`${outputsFile} final_atom_positions`, sm.atom37, out('final_atom_positions'), true);
      check(`${outputsFile} final_atom_mask`, sm.atom37Mask, out('final_atom_mask'), false);
      check(`${outputsFile} structure_module_single`, sm.single, out('structure_module_single'), false);
    });
  });
}

/** deterministic pseudo-random N(0,1)-ish values */
function randomTensor(shape: number[], seed: number): Tensor {
  const t = tensor(shape);
  let s = seed >>> 0;
  for (let i = 0; i < t.data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    t.data[i] = ((s / 2 ** 32) * 2 - 1) * 1.7;
  }
  return t;
}

describe('Algorithm 20: odd shapes and masked residues (golden parameters)', () => {
  const cS = params['alphafold/alphafold_iteration/structure_module/single_layer_norm//scale'].shape[0];
  const cZ = params['alphafold/alphafold_iteration/structure_module/pair_layer_norm//scale'].shape[0];

  for (const n of [1, 7, 33]) {
    it(`N_res = ${n}: finite outputs of the right shapes`, () => {
      const aatype = Int32Array.from({ length: n }, (_, i) => (i * 7) % 21);
      const sm = structureModule(randomTensor([n, cS], n), randomTensor([n, n, cZ], n + 1), aatype, params, {
        numLayers: 3,
      });
      expect(sm.layers.length).toBe(3);
      expect(sm.atom37.shape).toEqual([n, 37, 3]);
      expect(sm.sidechainFrames.shape).toEqual([n, 8, 4, 4]);
      for (const t of [sm.atom37, sm.atom14, sm.frames, sm.single]) {
        for (const v of t.data) expect(Number.isFinite(v)).toBe(true);
      }
    });
  }

  it('a masked residue does not influence the others', () => {
    const n = 7;
    const masked = 4;
    const aatype = Int32Array.from({ length: n }, (_, i) => i % 20);
    const seqMask = tensor(
      [n],
      Float32Array.from({ length: n }, (_, i) => (i === masked ? 0 : 1)),
    );
    const single = randomTensor([n, cS], 11);
    const pair = randomTensor([n, n, cZ], 12);
    const a = structureModule(single, pair, aatype, params, { seqMask, numLayers: 4 });
    // change everything the masked residue owns: its single row, its pair row and column
    const single2 = tensor(single.shape, single.data.slice());
    const pair2 = tensor(pair.shape, pair.data.slice());
    for (let c = 0; c < cS; c++) single2.data[masked * cS + c] += 3;
    for (let k = 0; k < n; k++) {
      for (let c = 0; c < cZ; c++) {
        pair2.data[(masked * n + k) * cZ + c] -= 2;
        pair2.data[(k * n + masked) * cZ + c] += 2;
      }
    }
    const b = structureModule(single2, pair2, aatype, params, { seqMask, numLayers: 4 });
    const rowsOf = (t: Tensor) => {
      const inner = t.data.length / n;
      return [...Array(n).keys()]
        .filter((i) => i !== masked)
        .flatMap((i) => [...t.data.subarray(i * inner, (i + 1) * inner)]);
    };
    for (const key of ['atom37', 'single', 'frames'] as const) {
      const x = rowsOf(a[key]);
      const y = rowsOf(b[key]);
      let worst = 0;
      for (let k = 0; k < x.length; k++) worst = Math.max(worst, Math.abs(x[k] - y[k]));
      expect(worst, key).toBeLessThanOrEqual(1e-5);
    }
  });
});
