import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { acquireNodeDevice, DRIVER_HELP } from '../gpu/node.ts';
import { runSelfTest, selfTestPlan } from './selftest.ts';

describe('kernel self-test (real Dawn device)', () => {
  it('runs every check and passes', async () => {
    const ctx = await acquireNodeDevice({ label: 'selftest-test' });
    try {
      const report = await runSelfTest(ctx);
      const failed = report.checks.filter((c) => !c.passed);
      expect(failed, JSON.stringify(failed)).toEqual([]);
      expect(report.passed).toBe(true);
      expect(report.checks.length).toBe(selfTestPlan().length);
      expect(report.adapter).toBe(ctx.adapter);
      for (const name of ['none', 'relu', 'gate', 'residual', 'residual-in-place']) {
        expect(report.checks.some((c) => c.name.startsWith(`matmul ${name}`))).toBe(true);
      }
      expect(report.checks.some((c) => c.name === 'layernorm')).toBe(true);
      for (const c of report.checks) {
        expect(c.maxAbsError).toBeLessThanOrEqual(c.tolerance);
        expect(c.ms).toBeGreaterThanOrEqual(0);
      }
    } finally {
      ctx.device.destroy();
    }
  });
});

describe('webfold doctor (spawned CLI)', () => {
  it('prints the adapter, features, limits and a passing self-test as JSON, exit 0', () => {
    const r = spawnSync(process.execPath, ['bin/webfold.mjs', 'doctor', '--json'], {
      encoding: 'utf8',
      timeout: 240_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(typeof report.adapter.vendor).toBe('string');
    expect(typeof report.adapter.architecture).toBe('string');
    expect(typeof report.adapter.description).toBe('string');
    expect(typeof report.adapter.isFallbackAdapter).toBe('boolean');
    expect(Array.isArray(report.features)).toBe(true);
    expect(report.limits.maxStorageBufferBindingSize).toBeGreaterThan(0);
    expect(report.deviceLimits.maxStorageBufferBindingSize).toBe(report.limits.maxStorageBufferBindingSize);
    expect(report.selfTest.passed).toBe(true);
    expect(report.selfTest.checks.length).toBe(selfTestPlan().length);
  });

  it('exits 1 with the driver help when there is no adapter', () => {
    const r = spawnSync(process.execPath, ['bin/webfold.mjs', 'doctor'], {
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, VK_ICD_FILENAMES: '/nonexistent/no_icd.json', VK_DRIVER_FILES: '' },
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(DRIVER_HELP);
  });
});
