import { describe, expect, it } from 'vitest';
import { F16_ADAPTER_REASON, F16_CPU_REASON } from '../../worker/engine-choice.ts';
import type { EngineChoice } from '../../worker/fold-api.ts';
import { effectivePrecision, f16Availability } from './precision.ts';

const withF16: EngineChoice = { engine: 'webgpu', label: 'WebGPU — nvidia', gpu: true, f16: true };
const noF16: EngineChoice = { ...withF16, f16: false, f16Reason: F16_ADAPTER_REASON };
const cpu: EngineChoice = {
  engine: 'cpu-reference',
  label: 'CPU reference',
  gpu: false,
  f16: false,
  f16Reason: F16_CPU_REASON,
};

describe('precision setting', () => {
  it('offers f16 only on the WebGPU engine with shader-f16, and says why not otherwise', () => {
    expect(f16Availability(withF16)).toEqual({ status: 'available' });
    expect(f16Availability(noF16)).toEqual({ status: 'unavailable', reason: F16_ADAPTER_REASON });
    expect(f16Availability(cpu)).toEqual({ status: 'unavailable', reason: F16_CPU_REASON });
    expect(f16Availability(undefined)).toEqual({ status: 'checking' });
    // a CPU choice never offers f16, whatever its flag says
    expect(f16Availability({ ...cpu, f16: true, f16Reason: undefined })).toMatchObject({
      status: 'unavailable',
      reason: expect.stringMatching(/CPU engine/),
    });
    expect(F16_ADAPTER_REASON).toMatch(/^no shader-f16/);
    expect(F16_CPU_REASON).toMatch(/^CPU engine/);
  });

  it('folds in f16 only where it is available, else f32', () => {
    expect(effectivePrecision('f16', withF16)).toBe('f16');
    expect(effectivePrecision('f16', noF16)).toBe('f32');
    expect(effectivePrecision('f16', cpu)).toBe('f32');
    expect(effectivePrecision('f16', undefined)).toBe('f32');
    expect(effectivePrecision('f32', withF16)).toBe('f32');
  });
});
