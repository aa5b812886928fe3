/**
 * Test support (Node + vitest only): run one per-module golden pair through the shared
 * name → reference-function mapping (`reference-modules.ts`) and assert every output row
 * passes the per-module tolerance. The module tests in src/model/reference use this, so the
 * tests and `webfold check-golden` check modules the same way. Reads `$WEBFOLD_GOLDEN_DIR` or
 * test/fixtures/golden.
 */
import { expect } from 'vitest';
import type { NdArray } from '../ndarray.ts';
import { GOLDEN_DIR } from '../reference/golden-test-support.ts';
import { loadGoldenDir } from './loader-node.ts';
import { compareModuleOutputs } from './modules-check.ts';
import { runReferenceModule } from './reference-modules.ts';
import type { CheckRow, GoldenModuleCase } from './types.ts';

export interface ReferenceModuleCheck {
  golden: GoldenModuleCase;
  outputs: Record<string, NdArray>;
  rows: CheckRow[];
}

export async function expectReferenceModulePasses(name: string): Promise<ReferenceModuleCheck> {
  const set = loadGoldenDir(GOLDEN_DIR);
  const golden = await set.moduleCase(name, await set.moduleIndex());
  const outputs = runReferenceModule(golden);
  expect(outputs, `no reference function is mapped to golden module ${name}`).toBeDefined();
  const rows = compareModuleOutputs(golden, outputs, 'cpu');
  for (const r of rows) {
    const rel = r.scale > 0 ? r.maxAbsError / r.scale : Number.NaN;
    console.log(`${r.name}: max abs err ${r.maxAbsError.toExponential(2)} (rel ${rel.toExponential(2)})`);
    expect(r.passed, `${r.name}: max abs err ${r.maxAbsError} > ${r.tolerance} ${r.note ?? ''}`).toBe(true);
  }
  return { golden, outputs: outputs ?? {}, rows };
}
