/**
 * `webfold fold --precision f32|f16`: the flag's parsing, the refusal of f16 on the CPU
 * reference, a real f16 fold of the golden input on Dawn (lavapipe has shader-f16) compared
 * against the f32 fold of the same input by the CPU reference (equal to the f32 GPU path within
 * 1e-3 Å, and quick at the golden size), and the engine's clear error, with nothing written, on
 * an adapter without shader-f16 (SwiftShader).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { acquireNodeDevice, SWIFTSHADER_ICD } from '../../gpu/node.ts';
import { readPdbChain } from '../../model/structure/pdb-reader.ts';
import { parseArgs, run, UsageError } from './fold.ts';

const GOLDEN = 'test/fixtures/golden';
const A3M = join(GOLDEN, 'query.a3m');
const PARAMS = join(GOLDEN, 'params.npz');
const dir = mkdtempSync(join(tmpdir(), 'webfold-fold-precision-'));

let errors: string[];
beforeEach(() => {
  errors = [];
  vi.spyOn(console, 'log').mockImplementation(() => {});
  vi.spyOn(console, 'error').mockImplementation((...a) => void errors.push(a.join(' ')));
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(() => vi.restoreAllMocks());

const base = ['q.fasta', '--params', 'p.npz', '--out', 'o'];

describe('webfold fold --precision (arguments)', () => {
  it('defaults to f32 and takes f32 or f16', () => {
    expect(parseArgs(base).precision).toBe('f32');
    expect(parseArgs([...base, '--precision', 'f16']).precision).toBe('f16');
    expect(parseArgs([...base, '--precision=f32']).precision).toBe('f32');
    expect(parseArgs([...base, '--precision', 'f16', '--backend', 'webgpu'])).toMatchObject({
      precision: 'f16',
      backend: 'webgpu',
    });
  });

  it('refuses other values, a missing value and f16 on the CPU reference, naming the problem', () => {
    expect(() => parseArgs([...base, '--precision', 'bf16'])).toThrow(
      new UsageError("--precision must be 'f32' or 'f16', got 'bf16'"),
    );
    expect(() => parseArgs([...base, '--precision'])).toThrow(/option --precision needs a value/);
    expect(() => parseArgs([...base, '--precision', 'f16', '--backend', 'cpu'])).toThrow(
      /--precision f16 needs --backend webgpu: the CPU reference computes in f32 only/,
    );
    // f32 on the CPU reference is the exact path and stays allowed
    expect(parseArgs([...base, '--precision', 'f32', '--backend', 'cpu']).backend).toBe('cpu');
  });

  it('a usage error exits 2 with the message and the usage, and writes nothing', async () => {
    const out = join(dir, 'usage');
    const argv = [A3M, '--params', PARAMS, '--out', out, '--backend', 'cpu', '--precision', 'f16'];
    expect(await run(argv)).toBe(2);
    expect(errors.join('\n')).toMatch(/webfold fold: --precision f16 needs --backend webgpu/);
    expect(errors.join('\n')).toMatch(/\[--precision f32\|f16\]/);
    expect(existsSync(out)).toBe(false);
  });
});

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** CA coordinates, residue by residue, from a PDB text. */
function caCoords(pdb: string): number[] {
  const xyz: number[] = [];
  for (const line of pdb.split('\n')) {
    if (!line.startsWith('ATOM') || line.slice(12, 16).trim() !== 'CA') continue;
    xyz.push(Number(line.slice(30, 38)), Number(line.slice(38, 46)), Number(line.slice(46, 54)));
  }
  return xyz;
}

describe('webfold fold --precision f16 on Dawn', () => {
  it('folds the golden input with f16 activations (recycles 0) within 0.05 Å and 0.5 pLDDT of the f32 fold', async () => {
    const ctx = await acquireNodeDevice({ label: 'fold-precision-test probe' });
    const hasF16 = ctx.hasF16;
    ctx.device.destroy();
    const fold = (name: string, ...flags: string[]) => {
      const out = join(dir, name);
      const argv = [A3M, '--params', PARAMS, '--recycles', '0', '--msa-sampling', 'none', ...flags];
      return { out, result: run([...argv, '--out', out]) };
    };
    const t0 = performance.now();
    const f16 = fold('f16', '--precision', 'f16');
    if (!hasF16) {
      // this adapter cannot: the engine's error, and nothing written
      await expect(f16.result).rejects.toThrow(/shader-f16/);
      expect(existsSync(f16.out)).toBe(false);
      return;
    }
    expect(await f16.result).toBe(0);
    const t1 = performance.now();
    const f32 = fold('f32', '--precision', 'f32', '--backend', 'cpu');
    expect(await f32.result).toBe(0);
    console.info(`f16 fold ${Math.round(t1 - t0)} ms, f32 CPU fold ${Math.round(performance.now() - t1)} ms`);

    const read = (out: string, file: string) => readFileSync(join(out, `query${file}`), 'utf8');
    const s16 = JSON.parse(read(f16.out, '_scores.json'));
    const s32 = JSON.parse(read(f32.out, '_scores.json'));
    expect(s16.extra.precision).toBe('f16');
    expect(s32.extra.precision).toBe('f32');
    expect(s16.extra.engine).toBe('webgpu');
    expect(s32.extra.engine).toBe('cpu-reference');
    // per_recycle in the scores' own naming and rounding (the app's helper)
    expect(s16.extra.per_recycle).toHaveLength(1);
    expect(Object.keys(s16.extra.per_recycle[0])).toEqual([
      'recycle',
      'mean_plddt',
      'ptm',
      'ca_distance_rms_change',
      'ms',
    ]);
    expect(s16.extra.per_recycle[0].ptm).toBe(s16.ptm);
    expect(s16.extra.per_recycle[0].mean_plddt).toBe(s16.mean_plddt);

    const plddt = maxAbsDiff(s16.plddt, s32.plddt);
    const ptm = Math.abs(s16.ptm - s32.ptm);
    const pdb16 = read(f16.out, '.pdb');
    const atoms = maxAbsDiff(caCoords(pdb16), caCoords(read(f32.out, '.pdb')));
    console.info(
      `fold --precision f16 vs f32 (golden, 0 recycles): pLDDT ${plddt}, pTM ${ptm}, CA ${atoms} Å`,
    );
    expect(readPdbChain(pdb16).sequence.length).toBe(s16.num_residues);
    expect(atoms, 'CA positions f16 vs f32 (Å)').toBeLessThanOrEqual(0.05);
    expect(plddt, 'pLDDT f16 vs f32').toBeLessThanOrEqual(0.5);
    expect(ptm, 'pTM f16 vs f32').toBeLessThanOrEqual(5e-3);
  }, 600_000);

  it.skipIf(!existsSync(SWIFTSHADER_ICD))(
    'on an adapter without shader-f16 (SwiftShader) prints the engine’s error, exits non-zero and writes nothing (spawned)',
    () => {
      const out = join(dir, 'swiftshader');
      const argv = [A3M, '--params', PARAMS, '--recycles', '0', '--precision', 'f16', '--out', out];
      const env: NodeJS.ProcessEnv = { ...process.env, WEBFOLD_VULKAN_DRIVER: 'swiftshader' };
      delete env.VK_ICD_FILENAMES;
      delete env.VK_DRIVER_FILES;
      const r = spawnSync(process.execPath, ['bin/webfold.mjs', 'fold', ...argv], {
        encoding: 'utf8',
        timeout: 300_000,
        env,
      });
      expect(r.status, r.stderr).toBe(1);
      expect(r.stderr).toMatch(/webfold fold: precision f16: this adapter has no 'shader-f16' feature/);
      expect(existsSync(out)).toBe(false);
    },
    300_000,
  );
});
