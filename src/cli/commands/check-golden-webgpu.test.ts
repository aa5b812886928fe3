/**
 * `webfold check-golden DIR --backend webgpu --templates` through the library (one Dawn device
 * for the whole check): every section — features, every per-module pair run on the GPU, and the
 * full model with and without templates, stage by stage — must pass with DESIGN.md's tolerances.
 */
import { describe, expect, it } from 'vitest';
import { resolveBackend } from '../../model/golden/backends.ts';
import { runGoldenCheck } from '../../model/golden/check.ts';
import { loadGoldenDir } from '../../model/golden/loader-node.ts';
import { GOLDEN_DIR } from '../../model/reference/golden-test-support.ts';

describe('check-golden --backend webgpu --templates (library)', () => {
  it('passes every section: features, modules (on the GPU) and the model with and without templates', async () => {
    const result = await runGoldenCheck(loadGoldenDir(GOLDEN_DIR), {
      backend: resolveBackend('webgpu'),
      templates: true,
    });
    const failed = result.rows.filter((r) => !r.passed);
    const count = (s: string) => result.rows.filter((r) => r.section === s).length;
    let worst = 0;
    for (const r of result.rows)
      if (r.scale > 0 && Number.isFinite(r.maxAbsError)) worst = Math.max(worst, r.maxAbsError / r.scale);
    console.log(
      `check-golden webgpu: ${result.rows.length} rows (features ${count('features')}, modules ${count('modules')}, model ${count('model')}), failed ${failed.length}, worst relative error ${worst.toExponential(2)}`,
    );
    expect(failed.map((r) => `${r.name}: ${r.maxAbsError} > ${r.tolerance} ${r.note ?? ''}`)).toEqual([]);
    expect(result.sections).toEqual(['features', 'modules', 'model']);
    expect(result.backend).toBe('webgpu');
    expect(count('modules')).toBeGreaterThanOrEqual(25);
    expect(result.rows.some((r) => r.name.startsWith('templates:'))).toBe(true);
    expect(result.passed).toBe(true);
  }, 600_000);
});
