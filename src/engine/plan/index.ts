/**
 * The ExecutionPlan: precision, chunk sizes, buffers with lifetimes and the predicted peak of
 * one fold, from the model, the input sizes and the device — computed without a GPU.
 * See build-plan.ts for the memory model the engine follows.
 */
export { buildPlan, DEFAULT_CHUNK_TARGET_BYTES } from './build-plan.ts';
export { type DeviceProfile, profileFromAdapter, profileFromJson, SMALL_DEVICE } from './device-profile.ts';
export { formatBytes, PlanError } from './errors.ts';
export { planModelFromParams, planModelFromPreset } from './model-source.ts';
export { liveBytesByStage, planToJson } from './plan-json.ts';
export type {
  BufferRole,
  DispatchShape,
  ExecutionPlan,
  InputSizes,
  ModulePlan,
  PlanLimits,
  PlanModel,
  PlannedBuffer,
  PlannedTensor,
  PlanRequest,
  Precision,
  Stage,
} from './types.ts';
export { planWeights, WEIGHT_OFFSET_ALIGNMENT, type WeightBuffer } from './weights.ts';
export * as workgroups from './workgroups.ts';
