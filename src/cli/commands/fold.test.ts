import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { validatePaeJson } from '../../model/output/pae-json.ts';
import { readNpz } from '../../model/params/npz.ts';
import { encodeNpz } from '../../model/params/npz-write.ts';
import { bufferSource } from '../../model/params/source.ts';
import { readPdbChain } from '../../model/structure/pdb-reader.ts';
import { modelNameOf, outputName, type ProgressStream, progressReporter, run } from './fold.ts';
import * as make from './make-params.ts';

const dir = mkdtempSync(join(tmpdir(), 'webfold-fold-'));
const params = join(dir, 'params_model_1_ptm.npz');
const HP35 = 'LSDEDFKAVFGMTRSAFANLPLWKQQNLKKEKGLF';
const fasta = join(dir, 'hp35.fasta');

let out: string[];
beforeEach(() => {
  out = [];
  vi.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation(() => {});
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(() => vi.restoreAllMocks());

beforeAll(async () => {
  vi.spyOn(console, 'log').mockImplementation(() => {});
  expect(await make.run(['--dims', 'golden', '--seed', '7', '--out', params])).toBe(0);
  vi.restoreAllMocks();
  writeFileSync(fasta, `>hp35 villin headpiece\n${HP35}\n`);
});

function webfold(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/webfold.mjs', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('webfold fold', () => {
  it('writes PDB, mmCIF, AFDB PAE JSON and scores JSON from a FASTA with make-params golden params (webgpu, the default)', async () => {
    const outDir = join(dir, 'out');
    expect(await run([fasta, '--params', params, '--recycles', '1', '--seed', '3', '--out', outDir])).toBe(0);
    for (const f of ['hp35.pdb', 'hp35.cif', 'hp35_pae.json', 'hp35_scores.json']) {
      expect(existsSync(join(outDir, f)), f).toBe(true);
    }
    const chain = readPdbChain(readFileSync(join(outDir, 'hp35.pdb'), 'utf8'));
    expect(chain.sequence).toBe(HP35);
    expect(readFileSync(join(outDir, 'hp35.cif'), 'utf8')).toMatch(/_ma_qa_metric_local/);
    const pae = JSON.parse(readFileSync(join(outDir, 'hp35_pae.json'), 'utf8'));
    expect(validatePaeJson(pae, HP35.length)).toEqual([]);
    const scores = JSON.parse(readFileSync(join(outDir, 'hp35_scores.json'), 'utf8'));
    expect(scores.model_name).toBe('model_1_ptm');
    expect(scores.seed).toBe(3);
    expect(scores.num_recycles).toBe(1);
    expect(scores.num_residues).toBe(HP35.length);
    expect(scores.plddt).toHaveLength(HP35.length);
    expect(scores.ptm).toBeGreaterThan(0);
    expect(scores.extra.per_recycle).toHaveLength(2);
    expect(scores.extra.backend).toBe('webgpu');
    expect(scores.extra.engine).toBe('webgpu');
    expect(out.join('\n')).toMatch(/wrote .*hp35_scores\.json/);
    expect(scores.extra.devices).toBe(1);

    // the same fold split over 2 devices (DAP): the same scores
    const dapDir = join(dir, 'out-dap');
    const argv = [
      fasta,
      '--params',
      params,
      '--recycles',
      '1',
      '--seed',
      '3',
      '--devices',
      '2',
      '--out',
      dapDir,
    ];
    expect(await run(argv)).toBe(0);
    const dap = JSON.parse(readFileSync(join(dapDir, 'hp35_scores.json'), 'utf8'));
    expect(dap.extra.devices).toBe(2);
    expect(Math.max(...dap.plddt.map((v: number, i: number) => Math.abs(v - scores.plddt[i])))).toBeLessThan(
      1e-2,
    );
    expect(Math.abs(dap.ptm - scores.ptm)).toBeLessThan(1e-4);
  });

  it('refuses to write a NaN result', async () => {
    const arrays = await readNpz(bufferSource(readFileSync(params)));
    const w =
      arrays[
        'alphafold/alphafold_iteration/evoformer/evoformer_iteration/pair_transition/transition1//weights'
      ];
    (w.data as Float32Array)[0] = Number.NaN;
    const bad = join(dir, 'params_nan.npz');
    writeFileSync(bad, encodeNpz(arrays));
    const outDir = join(dir, 'nan');
    await expect(
      run([
        fasta,
        '--params',
        bad,
        '--recycles',
        '0',
        '--msa-sampling',
        'none',
        '--backend',
        'cpu',
        '--out',
        outDir,
      ]),
    ).rejects.toThrow(/non-finite/);
    expect(existsSync(join(outDir, 'hp35.pdb'))).toBe(false);
  });

  it('takes one model out of a params .tar with --model-name (and asks for it when there are several)', async () => {
    const tarDir = join(dir, 'tar');
    mkdirSync(tarDir);
    copyFileSync(params, join(tarDir, 'params_model_1_ptm.npz'));
    copyFileSync(params, join(tarDir, 'params_model_2_ptm.npz'));
    const tar = join(dir, 'alphafold_params.tar');
    execFileSync('tar', ['-cf', tar, '-C', tarDir, 'params_model_1_ptm.npz', 'params_model_2_ptm.npz']);
    const outDir = join(dir, 'from-tar');
    // cpu stays available (and keeps this test fast on software Vulkan)
    const argv = [
      fasta,
      '--params',
      tar,
      '--recycles',
      '0',
      '--msa-sampling',
      'none',
      '--backend',
      'cpu',
      '--out',
      outDir,
    ];
    expect(await run([...argv, '--model-name', 'model_2_ptm'])).toBe(0);
    const scores = JSON.parse(readFileSync(join(outDir, 'hp35_scores.json'), 'utf8'));
    expect(scores.model_name).toBe('model_2_ptm');
    expect(scores.seed).toBeNull();
    await expect(run(argv)).rejects.toThrow(/a tar of 2 models; pick one/);
  });

  it('a bad FASTA exits non-zero naming the letter and position (spawned)', () => {
    const bad = join(dir, 'bad.fasta');
    writeFileSync(bad, '>x\nMKV1A\n');
    const r = webfold('fold', bad, '--params', params, '--out', join(dir, 'bad'));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/invalid character '1' at position 4/);
    expect(existsSync(join(dir, 'bad'))).toBe(false);
  });

  it('rejects unknown backends, bad options and missing params clearly', async () => {
    await expect(run([fasta, '--params', params, '--backend', 'tpu', '--out', dir])).rejects.toThrow(
      /unknown backend 'tpu'/,
    );
    expect(await run([fasta, '--params', params])).toBe(2);
    expect(await run([fasta, '--out', dir])).toBe(2);
    expect(await run([fasta, '--params', params, '--out', dir, '--recycles', 'x'])).toBe(2);
    expect(await run([fasta, '--params', params, '--out', dir, '--msa-sampling', 'random'])).toBe(2);
    expect(await run([fasta, '--params', params, '--out', dir, '--devices', '0'])).toBe(2);
    expect(await run([fasta, '--params', params, '--out', dir, '--backend', 'cpu', '--devices', '2'])).toBe(
      2,
    );
    await expect(run([fasta, '--params', join(dir, 'missing.npz'), '--out', dir])).rejects.toThrow(
      /missing\.npz: cannot open/,
    );
  });

  it('names outputs and models from file names', () => {
    expect(outputName('/a/b/hp35.fasta')).toBe('hp35');
    expect(outputName('my query.a3m')).toBe('my_query');
    expect(modelNameOf('/x/params_model_2.npz')).toBe('model_2');
    expect(modelNameOf('alphafold.tar:params/params_model_1_ptm.npz')).toBe('model_1_ptm');
  });
});

describe('fold progress on stderr', () => {
  function sink(isTTY: boolean): ProgressStream & { text: string } {
    const s = {
      text: '',
      isTTY,
      columns: 80,
      write(t: string) {
        s.text += t;
        return true;
      },
    };
    return s;
  }
  const steps = [0, 1, 2, 3, 4].map((b) => ({
    recycle: 0,
    numRecycles: 1,
    stage: 'evoformer',
    block: b,
    blocks: 4,
  }));

  it('without a TTY: one line per stage, no per-block spam', () => {
    const s = sink(false);
    const p = progressReporter(s);
    p.update({ recycle: 0, numRecycles: 1, stage: 'input_embedding' });
    for (const step of steps) p.update(step);
    p.update({ recycle: 1, numRecycles: 1, stage: 'evoformer', block: 0, blocks: 4 });
    p.done();
    expect(s.text.split('\n').filter(Boolean)).toEqual([
      'iteration 1/2 · input_embedding',
      'iteration 1/2 · evoformer',
      'iteration 2/2 · evoformer',
    ]);
    expect(s.text).not.toMatch(/\r/);
  });

  it('on a TTY: a redrawn bar with recycle, stage and block, ended by a newline', () => {
    const s = sink(true);
    let t = 0;
    const p = progressReporter(s, () => (t += 1000));
    for (const step of steps) p.update(step);
    p.done();
    expect(s.text).toContain('\r\u001b[2K');
    expect(s.text).toMatch(/\[#+\.*\] iteration 1\/2 · evoformer · block 4\/4/);
    expect(s.text.endsWith('\n')).toBe(true);
    expect(s.text.split('\n')).toHaveLength(2);
  });
});
