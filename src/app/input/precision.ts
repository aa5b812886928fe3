/**
 * Which storage precision a fold may use: f16 storage of the activations only on the WebGPU
 * engine and only where the adapter the fold worker uses has 'shader-f16' (the fold worker's
 * engine choice knows both); otherwise f32, with the reason shown under the setting. Pure.
 */
import type { EngineChoice, Precision } from '../../worker/fold-api.ts';

/** What the f16 option says: honest about what f16 storage costs. */
export const F16_LABEL = 'f16 storage — half the memory, small numerical differences (≈0.1 pLDDT)';
export const F32_LABEL = 'f32 (exact)';

export type PrecisionAvailability =
  | { status: 'checking' }
  | { status: 'available' }
  | { status: 'unavailable'; reason: string };

/** Whether f16 can be chosen with this engine choice (undefined while the worker is asked). */
export function f16Availability(choice: EngineChoice | undefined): PrecisionAvailability {
  if (!choice) return { status: 'checking' };
  if (choice.gpu && choice.f16) return { status: 'available' };
  return {
    status: 'unavailable',
    reason:
      choice.f16Reason ??
      (choice.gpu ? 'no shader-f16 on this adapter' : 'CPU engine: the CPU reference computes in f32 only'),
  };
}

/** The precision a fold submitted now would use: the one asked for, unless f16 is not available. */
export function effectivePrecision(requested: Precision, choice: EngineChoice | undefined): Precision {
  return requested === 'f16' && f16Availability(choice).status === 'available' ? 'f16' : 'f32';
}
