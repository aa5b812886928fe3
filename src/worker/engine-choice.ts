/**
 * Which engine the fold worker runs: the WebGPU engine (src/engine/webgpu-engine.ts) when that
 * module exists in this build and the browser gives an adapter, otherwise the CPU reference,
 * labelled as such with the reason. Whether f16 storage can be chosen goes with it: only on the
 * WebGPU engine, and only where the adapter the fold will use has 'shader-f16'.
 *
 * The WebGPU module is looked up with `import.meta.glob`, so this builds before it lands (the
 * glob is then empty). It exports `createWebGpuEngine(acquire)`: the engine acquires its device
 * (labelled) on the first fold through `acquire`.
 */
import { acquireDevice, type GpuContext } from '../gpu/device.ts';
import type { Engine } from '../model/engine.ts';
import { createCpuEngine } from '../model/reference/cpu-engine.ts';
import type { EngineChoice } from './fold-api.ts';

type WebGpuModule = {
  createWebGpuEngine?: (acquire: () => Promise<GpuContext>) => Engine;
};

const webgpuModules = import.meta.glob<WebGpuModule>('../engine/webgpu-engine.ts');

export interface ChosenEngine {
  engine: Engine;
  choice: EngineChoice;
}

/** Why f16 storage cannot be chosen, per engine (shown under the precision setting). */
export const F16_CPU_REASON =
  'CPU engine: the CPU reference computes in f32 only; f16 needs the WebGPU engine';
export const F16_ADAPTER_REASON =
  "no shader-f16: this WebGPU adapter lacks the 'shader-f16' feature that f16 storage needs";

function cpu(reason: string): ChosenEngine {
  return {
    engine: createCpuEngine(),
    choice: {
      engine: 'cpu-reference',
      label: `CPU reference (TypeScript, no GPU) — ${reason}`,
      gpu: false,
      f16: false,
      f16Reason: F16_CPU_REASON,
    },
  };
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The CPU reference, chosen by the user. */
export function cpuEngine(): ChosenEngine {
  return cpu('chosen in the run settings');
}

/** A software adapter (SwiftShader, WARP…): slower than the CPU reference for a fold. */
export function isSoftwareAdapter(adapter: GPUAdapter): boolean {
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  const fallback = info?.isFallbackAdapter ?? (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter;
  return (
    fallback === true || /swiftshader|llvmpipe|lavapipe/i.test(`${info?.architecture} ${info?.description}`)
  );
}

/**
 * 'auto': WebGPU on a hardware adapter, else the CPU reference; 'webgpu': WebGPU on any adapter
 * (software ones included), else the CPU reference with the reason.
 */
export async function chooseEngine(prefer: 'auto' | 'webgpu' = 'auto'): Promise<ChosenEngine> {
  const load = Object.values(webgpuModules)[0];
  if (!load) return cpu('the WebGPU engine is not part of this build yet');
  const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
  if (!gpu) return cpu('this browser has no WebGPU (navigator.gpu is missing)');
  let adapter: GPUAdapter | null = null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (err) {
    return cpu(`requestAdapter failed: ${message(err)}`);
  }
  if (!adapter) return cpu('the browser offers no WebGPU adapter (blocklisted GPU or WebGPU disabled)');
  if (prefer === 'auto' && isSoftwareAdapter(adapter)) {
    return cpu('the only WebGPU adapter is a software renderer (SwiftShader), slower than the CPU reference');
  }
  try {
    const mod = await load();
    if (!mod.createWebGpuEngine) return cpu('the WebGPU engine module has no createWebGpuEngine export');
    const engine = mod.createWebGpuEngine(() => acquireDevice(gpu, { label: 'webfold-fold-device' }));
    const f16 = adapter.features.has('shader-f16');
    const info = adapter.info;
    return {
      engine,
      choice: {
        engine: engine.name,
        label: `WebGPU — ${[info?.vendor, info?.architecture].filter(Boolean).join(' ') || 'adapter'}`,
        gpu: true,
        f16,
        f16Reason: f16 ? undefined : F16_ADAPTER_REASON,
      },
    };
  } catch (err) {
    return cpu(`the WebGPU engine failed to start: ${message(err)}`);
  }
}
