import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadGoldenDir } from '../../model/golden/loader-node.ts';
import { encodeNpz } from '../../model/params/npz-write.ts';

const GOLDEN = 'test/fixtures/golden';

function webfold(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/webfold.mjs', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('webfold check-golden (spawned)', () => {
  it('passes the features section of the golden set with exit 0 and a table', () => {
    const r = webfold('check-golden', GOLDEN, '--only', 'features');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/section\s+stage\s+max error\s+tolerance\s+result/);
    expect(r.stdout).toMatch(/features\s+msa_feat\s+\S+\s+1\.00e-6\s+pass/);
    expect(r.stdout).toMatch(/features 25\/25 — PASS/);
    expect(r.stdout).not.toMatch(/FAIL/);
  });

  it('exits 1 and names the failing row on a corrupted copy; --json gives the rows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'webfold-cg-'));
    copyFileSync(join(GOLDEN, 'query.a3m'), join(dir, 'query.a3m'));
    const inputs = await loadGoldenDir(GOLDEN).source.readNpz('inputs.npz');
    (inputs.target_feat.data as Float32Array)[0] = 0.5;
    writeFileSync(join(dir, 'inputs.npz'), encodeNpz(inputs));
    const r = webfold('check-golden', dir, '--only=features');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/features\s+target_feat\s+5\.00e-1\s+1\.00e-6\s+FAIL/);
    expect(r.stdout).toMatch(/FAIL \(1 of 25 rows failed\)/);
    const j = webfold('check-golden', dir, '--only', 'features', '--json');
    expect(j.code).toBe(1);
    const result = JSON.parse(j.stdout);
    expect(result.passed).toBe(false);
    expect(
      result.rows.filter((x: { passed: boolean }) => !x.passed).map((x: { name: string }) => x.name),
    ).toEqual(['target_feat']);
  });

  it('refuses unknown and unbuilt backends, bad sections and missing directories', () => {
    // webgpu is a known backend now: it gets as far as the directory check
    const gpu = webfold('check-golden', join(GOLDEN, 'nope'), '--backend', 'webgpu');
    expect(gpu.code).toBe(2);
    expect(gpu.stderr).toMatch(/is not a directory/);
    const bogus = webfold('check-golden', GOLDEN, '--backend', 'tpu');
    expect(bogus.code).not.toBe(0);
    expect(bogus.stderr).toMatch(/unknown backend 'tpu' \(known: cpu, webgpu\)/);
    const only = webfold('check-golden', GOLDEN, '--only', 'everything');
    expect(only.code).toBe(2);
    expect(only.stderr).toMatch(/--only takes features, modules, model/);
    const cpuRanks = webfold('check-golden', GOLDEN, '--devices', '2');
    expect(cpuRanks.code).toBe(2);
    expect(cpuRanks.stderr).toMatch(/--devices needs --backend webgpu/);
    const zero = webfold('check-golden', GOLDEN, '--backend', 'webgpu', '--devices', '0');
    expect(zero.code).toBe(2);
    expect(zero.stderr).toMatch(/--devices takes an integer >= 1 \(got '0'\)/);
    const missing = webfold('check-golden', join(GOLDEN, 'nope'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/is not a directory/);
  });
});
