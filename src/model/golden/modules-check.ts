/**
 * Section (b): every per-module golden pair listed in `DIR/modules/index.json`, run on the
 * backend and compared output by output (≤ 1e-4 relative to the output's max |value|).
 * A listed module the backend does not implement, or one that throws, is a failure row.
 */
import { compareArrays, failedRow } from './compare.ts';
import type { GoldenSet } from './golden-set.ts';
import { MODULE_COMPARE_RULES } from './reference-modules.ts';
import { EXACT, STAGE_REL_TOL } from './tolerances.ts';
import type { CheckRow, GoldenBackend, GoldenModuleCase } from './types.ts';

/** Rows for one module case given the backend's outputs (or undefined: not implemented). */
export function compareModuleOutputs(
  c: GoldenModuleCase,
  got: Record<string, import('../ndarray.ts').NdArray> | undefined,
  backendName: string,
): CheckRow[] {
  if (!got) return [failedRow('modules', c.name, `not implemented by backend '${backendName}'`)];
  const rule = MODULE_COMPARE_RULES[c.name] ?? {};
  const rowMask = rule.rowMask ? c.inputs[rule.rowMask] : undefined;
  if (rule.rowMask && !rowMask) return [failedRow('modules', c.name, `input '${rule.rowMask}' is missing`)];
  const names = Object.keys(c.outputs);
  if (names.length === 0) return [failedRow('modules', c.name, 'golden pair has no out_* arrays')];
  return names.map((k) => {
    const want = c.outputs[k];
    const masked = rowMask && want.shape[0] === rowMask.data.length ? rowMask : undefined;
    return compareArrays(
      'modules',
      `${c.name}/${k}`,
      got[k],
      want,
      want.dtype.startsWith('float') ? STAGE_REL_TOL : EXACT,
      {
        rowMask: masked,
      },
    );
  });
}

export async function checkModules(set: GoldenSet, backend: GoldenBackend): Promise<CheckRow[]> {
  let index: Awaited<ReturnType<GoldenSet['moduleIndex']>>;
  try {
    index = await set.moduleIndex();
  } catch (err) {
    return [failedRow('modules', 'modules/index.json', (err as Error).message)];
  }
  const names = Object.keys(index);
  if (names.length === 0) return [failedRow('modules', 'modules/index.json', 'lists no modules')];
  const rows: CheckRow[] = [];
  for (const name of names) {
    try {
      const c = await set.moduleCase(name, index);
      const got = backend.module ? await backend.module(c) : undefined;
      rows.push(...compareModuleOutputs(c, got, backend.name));
    } catch (err) {
      rows.push(failedRow('modules', name, (err as Error).message));
    }
  }
  return rows;
}
