import { describe, expect, it } from 'vitest';
import type { EngineChoice } from '../../worker/fold-api.ts';
import { effectiveSplit, splitAvailability } from './split.ts';

const gpu: EngineChoice = { engine: 'webgpu', label: 'WebGPU — swiftshader', gpu: true, f16: false };
const cpu: EngineChoice = { engine: 'cpu-reference', label: 'CPU reference', gpu: false, f16: false };

describe('fold split settings', () => {
  it('are available on the WebGPU engine only, with the reason otherwise', () => {
    expect(splitAvailability(undefined)).toEqual({ status: 'checking' });
    expect(splitAvailability(gpu)).toEqual({ status: 'available' });
    const no = splitAvailability(cpu);
    expect(no.status).toBe('unavailable');
    expect(no.status === 'unavailable' && no.reason).toMatch(/only the WebGPU engine/);
  });

  it('fold on one worker where splitting is unavailable or not asked for', () => {
    expect(effectiveSplit({ ranks: 3 }, cpu)).toEqual({ ranks: 1, tabs: 1 });
    expect(effectiveSplit({ ranks: 3, tabs: 2 }, undefined)).toEqual({ ranks: 1, tabs: 1 });
    expect(effectiveSplit({}, gpu)).toEqual({ ranks: 1, tabs: 1 });
  });

  it('keep 2–4 workers, and one worker per tab when tabs are invited', () => {
    expect(effectiveSplit({ ranks: 2 }, gpu)).toEqual({ ranks: 2, tabs: 1 });
    expect(effectiveSplit({ ranks: 9 }, gpu)).toEqual({ ranks: 4, tabs: 1 });
    expect(effectiveSplit({ ranks: 3, tabs: 2 }, gpu)).toEqual({ ranks: 1, tabs: 2 });
    expect(effectiveSplit({ ranks: 2.5 }, gpu)).toEqual({ ranks: 1, tabs: 1 });
  });
});
