/** The golden check, backend-neutral (the Node directory loader is `loader-node.ts`). */
export {
  BACKEND_NAMES,
  BackendUnavailableError,
  cpuBackend,
  engineBackend,
  resolveBackend,
} from './backends.ts';
export { type GoldenCheckOptions, type GoldenCheckResult, runGoldenCheck } from './check.ts';
export { compareArrays, failedRow } from './compare.ts';
export { checkFeatures } from './features-check.ts';
export { formatSummary, formatTable } from './format.ts';
export { GOLDEN_FILES, GoldenSet } from './golden-set.ts';
export { checkModel } from './model-check.ts';
export { checkModules, compareModuleOutputs } from './modules-check.ts';
export { MODULE_COMPARE_RULES, REFERENCE_MODULES, runReferenceModule } from './reference-modules.ts';
export * from './tolerances.ts';
export * from './types.ts';
