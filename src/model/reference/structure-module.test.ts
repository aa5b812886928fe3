/**
 * Algorithm 20 (the whole structure module) vs the full-model golden outputs: for every
 * recycling iteration r, the Evoformer's single `r<r>/single` and last-block pair are fed to the
 * structure module and every per-layer output is compared. Sizes (residues, layers, blocks,
 * recycles) are all read from the data.
 */
import { describe, expect, it } from 'vitest';
import type { NdArray } from '../ndarray.ts';
import { readNpz } from '../params/npz.ts';
import { fileSource } from '../params/source-node.ts';
import { compare, GOLDEN_DIR, REL_TOL } from './golden-test-support.ts';
import { asF32, type Params, type Tensor } from './ops.ts';
import { type StructureModuleLayer, stackLayers, structureModule } from './structure-module.ts';

async function load(file: string): Promise<Record<string, NdArray>> {
  const source = await fileSource(`${GOLDEN_DIR}/${file}`);
  try {
    return await readNpz(source);
  } finally {
    await source.close?.();
  }
}

const [outputs, inputs, params] = await Promise.all([
  load('outputs.npz'),
  load('inputs.npz'),
  load('params.npz'),
]);
const out = (k: string): Tensor => {
  const a = outputs[k];
  if (!a) throw new Error(`outputs.npz has no ${k}`);
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

const perLayer: [keyof StructureModuleLayer, string, boolean][] = [
  ['frames', 'sm_frames', false],
  ['sidechainFrames', 'sm_sidechain_frames', false],
  ['unnormalizedAngles', 'sm_unnormalized_angles', false],
  ['angles', 'sm_angles', false],
  ['atom14', 'sm_atom14_positions', true],
  ['single', 'sm_states', false],
];

describe('Algorithm 20: structure module vs golden full-model outputs', () => {
  it('finds the recycling iterations in outputs.npz', () => {
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
        params as Params,
        {
          numLayers,
          seqMask,
        },
      );
      expect(sm.layers.length).toBe(numLayers);
      for (const [field, key, isAtoms] of perLayer) {
        const err = compare(stackLayers(sm.layers, field), out(`r${r}/${key}`));
        console.log(
          `r${r}/${key}: max abs err ${err.maxAbsErr.toExponential(2)} (rel ${err.rel.toExponential(2)})`,
        );
        expect(err.rel).toBeLessThanOrEqual(REL_TOL);
        if (isAtoms) expect(err.maxAbsErr).toBeLessThanOrEqual(1e-3);
      }
      for (const [got, key] of [
        [sm.single, 'sm_single'],
        [sm.atom37, 'final_atom_positions'],
      ] as const) {
        const err = compare(got, out(`r${r}/${key}`));
        console.log(
          `r${r}/${key}: max abs err ${err.maxAbsErr.toExponential(2)} (rel ${err.rel.toExponential(2)})`,
        );
        expect(err.rel).toBeLessThanOrEqual(REL_TOL);
      }
      expect(compare(sm.atom37, out(`r${r}/final_atom_positions`)).maxAbsErr).toBeLessThanOrEqual(1e-3);
    });
  }

  it('final outputs: affine, atom14/atom37 (≤ 1e-3 Å), atom mask, structure-module single', () => {
    const numLayers = out(`r${recycles[0]}/sm_frames`).shape[0];
    const sm = structureModule(out('single'), out('pair'), aatype, params as Params, {
      numLayers,
      seqMask,
      trajectory: false,
    });
    expect(sm.layers.length).toBe(0);
    const checks: [Tensor, string, boolean][] = [
      [sm.frames, 'final_affine_tensor', false],
      [sm.atom14, 'final_atom14_positions', true],
      [sm.atom37, 'final_atom_positions', true],
      [sm.atom37Mask, 'final_atom_mask', false],
      [sm.single, 'structure_module_single', false],
    ];
    for (const [got, key, isAtoms] of checks) {
      const err = compare(got, out(key));
      console.log(`${key}: max abs err ${err.maxAbsErr.toExponential(2)} (rel ${err.rel.toExponential(2)})`);
      expect(err.rel).toBeLessThanOrEqual(REL_TOL);
      if (isAtoms) expect(err.maxAbsErr).toBeLessThanOrEqual(1e-3);
    }
  });
});
