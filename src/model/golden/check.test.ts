import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { NdArray } from '../ndarray.ts';
import { encodeNpz } from '../params/npz-write.ts';
import { cpuBackend } from './backends.ts';
import { runGoldenCheck } from './check.ts';
import { formatSummary, formatTable } from './format.ts';
import { loadGoldenDir } from './loader-node.ts';
import type { CheckRow, GoldenBackend } from './types.ts';

const GOLDEN = 'test/fixtures/golden';

function failing(rows: CheckRow[]): string[] {
  return rows.filter((r) => !r.passed).map((r) => r.name);
}

/** A copy of the golden set's features/modules files, with `edit` applied to one .npz. */
async function corruptedCopy(file: string, edit: (a: Record<string, NdArray>) => void): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'webfold-golden-'));
  mkdirSync(join(dir, 'modules'));
  for (const f of ['query.a3m', 'inputs.npz', 'inputs_templates.npz'])
    copyFileSync(join(GOLDEN, f), join(dir, f));
  for (const f of readdirSync(join(GOLDEN, 'modules')))
    copyFileSync(join(GOLDEN, 'modules', f), join(dir, 'modules', f));
  const arrays = await loadGoldenDir(GOLDEN).source.readNpz(file);
  edit(arrays);
  writeFileSync(join(dir, file), encodeNpz(arrays));
  return dir;
}

describe('golden check: features and modules on the CPU reference', () => {
  it('every row passes on test/fixtures/golden (with templates)', async () => {
    const result = await runGoldenCheck(loadGoldenDir(GOLDEN), {
      backend: cpuBackend,
      templates: true,
      only: ['features', 'modules'],
    });
    console.log(`${formatTable(result)}\n${formatSummary(result)}`);
    expect(failing(result.rows)).toEqual([]);
    expect(result.passed).toBe(true);
    const names = new Set(result.rows.map((r) => r.name));
    for (const n of [
      'msa_feat',
      'templates:template_torsion_angles_sin_cos',
      'invariant_point_attention/update',
    ]) {
      expect(names.has(n), n).toBe(true);
    }
    // every module of index.json has at least one row
    const index = await loadGoldenDir(GOLDEN).moduleIndex();
    for (const m of Object.keys(index))
      expect(
        result.rows.some((r) => r.name.startsWith(`${m}/`)),
        m,
      ).toBe(true);
  });

  it('a corrupted feature array fails exactly its row', async () => {
    const dir = await corruptedCopy('inputs.npz', (a) => {
      (a.msa_feat.data as Float32Array)[17] += 1e-4;
    });
    const result = await runGoldenCheck(loadGoldenDir(dir), { backend: cpuBackend, only: ['features'] });
    expect(failing(result.rows)).toEqual(['msa_feat']);
    const row = result.rows.find((r) => r.name === 'msa_feat');
    expect(row?.maxAbsError).toBeGreaterThan(9e-5);
    expect(result.passed).toBe(false);
  });

  it('a corrupted module output fails its row; an integer feature off by one fails too', async () => {
    const dir = await corruptedCopy('modules/outer_product_mean.npz', (a) => {
      (a.out_update.data as Float32Array)[5] *= 1.01;
    });
    const result = await runGoldenCheck(loadGoldenDir(dir), { backend: cpuBackend, only: ['modules'] });
    expect(failing(result.rows)).toEqual(['outer_product_mean/update']);
    const dir2 = await corruptedCopy('inputs.npz', (a) => {
      (a.extra_msa.data as Int32Array)[3] += 1;
    });
    const r2 = await runGoldenCheck(loadGoldenDir(dir2), { backend: cpuBackend, only: ['features'] });
    expect(failing(r2.rows)).toEqual(['extra_msa']);
  });

  it('a module in index.json without an implementation is a failure row, never skipped', async () => {
    const dir = await corruptedCopy('modules/msa_transition.npz', () => {});
    copyFileSync(join(dir, 'modules/msa_transition.npz'), join(dir, 'modules/made_up_module.npz'));
    const index = await loadGoldenDir(GOLDEN).moduleIndex();
    index.made_up_module = index.msa_transition;
    writeFileSync(join(dir, 'modules/index.json'), JSON.stringify(index));
    const result = await runGoldenCheck(loadGoldenDir(dir), { backend: cpuBackend, only: ['modules'] });
    const row = result.rows.find((r) => r.name === 'made_up_module');
    expect(row?.passed).toBe(false);
    expect(row?.note).toMatch(/not implemented by backend 'cpu'/);
    expect(result.passed).toBe(false);
    // a backend without module() fails every module
    const bare: GoldenBackend = { name: 'bare', forward: cpuBackend.forward };
    const r2 = await runGoldenCheck(loadGoldenDir(GOLDEN), { backend: bare, only: ['modules'] });
    expect(r2.rows.length).toBe(Object.keys(index).length - 1);
    expect(r2.rows.every((r) => !r.passed && /not implemented/.test(r.note ?? ''))).toBe(true);
  });
});

describe('golden check: full model on the CPU reference', () => {
  it('every stage of every recycle and every final output passes, with and without templates', async () => {
    const result = await runGoldenCheck(loadGoldenDir(GOLDEN), {
      backend: cpuBackend,
      templates: true,
      only: ['model'],
    });
    console.log(`${formatTable(result)}\n${formatSummary(result)}`);
    expect(failing(result.rows)).toEqual([]);
    const names = new Set(result.rows.map((r) => r.name));
    for (const n of [
      'r0/input_msa_act',
      'r2/final_atom_positions',
      'plddt',
      'ptm_score',
      'templates:r1/template_single_embedding',
    ]) {
      expect(names.has(n), n).toBe(true);
    }
  });
});

describe('golden check: model section machinery (replaying golden outputs)', () => {
  /** A fake backend that emits the golden stages and returns the golden finals, with edits. */
  function replay(opts: { skip?: string; perturb?: string; nan?: string }): GoldenBackend {
    return {
      name: 'replay',
      async forward(features, _params, fo) {
        const outputs = await loadGoldenDir(GOLDEN).source.readNpz(
          features.template_aatype ? 'outputs_templates.npz' : 'outputs.npz',
        );
        const final: Record<string, NdArray> = {};
        for (const [k, v] of Object.entries(outputs)) {
          if (k === opts.skip) continue;
          const copy = { ...v, data: v.data.slice() } as NdArray;
          if (k === opts.perturb) (copy.data as Float32Array)[0] += 1e-2;
          if (k === opts.nan) (copy.data as Float32Array)[1] = Number.NaN;
          if (/^r\d+\//.test(k)) fo.onStage?.(k, copy);
          else final[k] = copy;
        }
        expect(fo.numRecycles).toBe(2);
        expect(fo.structureLayers).toBe(8);
        return final;
      },
    };
  }

  it('all rows pass when the golden run is replayed, with and without templates', async () => {
    const result = await runGoldenCheck(loadGoldenDir(GOLDEN), {
      backend: replay({}),
      templates: true,
      only: ['model'],
    });
    expect(failing(result.rows)).toEqual([]);
    const names = result.rows.map((r) => r.name);
    expect(names).toContain('r2/evoformer_block1_pair');
    expect(names).toContain('templates:r0/template_pair_embedding');
    expect(names).toContain('templates:ptm_score');
    const pos = result.rows.find((r) => r.name === 'final_atom_positions');
    expect(pos?.tolerance).toBe(1e-3);
  });

  it('a stage never emitted, a perturbed stage and a NaN final each fail their row', async () => {
    const result = await runGoldenCheck(loadGoldenDir(GOLDEN), {
      backend: replay({ skip: 'r1/sm_angles', perturb: 'r2/single', nan: 'plddt' }),
      only: ['model'],
    });
    expect(failing(result.rows).sort()).toEqual(['plddt', 'r1/sm_angles', 'r2/single']);
    expect(result.rows.find((r) => r.name === 'r1/sm_angles')?.note).toMatch(/not emitted/);
    expect(Number.isNaN(result.rows.find((r) => r.name === 'plddt')?.maxAbsError)).toBe(true);
  });

  it('a forward pass that throws fails the run with its message', async () => {
    const broken: GoldenBackend = {
      name: 'broken',
      async forward() {
        throw new Error('out of cheese');
      },
    };
    const result = await runGoldenCheck(loadGoldenDir(GOLDEN), { backend: broken, only: ['model'] });
    expect(result.passed).toBe(false);
    expect(result.rows[0].note).toMatch(/out of cheese/);
    expect(result.rows.every((r) => !r.passed)).toBe(true);
  });
});
