/**
 * The `webgpu` golden backend: the WebGPU engine's forward pass (with every golden stage key
 * read back when asked) on the device of the host — navigator.gpu in a browser or worker, Dawn
 * (acquireNodeDevice) in Node. Loaded lazily by src/model/golden/backends.ts.
 */
import { acquireDevice, type GpuContext } from '../gpu/device.ts';
import { engineBackend } from '../model/golden/backends.ts';
import type { GoldenBackend } from '../model/golden/types.ts';
import { InProcessDapEngine } from './dap-engine.ts';
import { runGpuModule } from './golden-modules.ts';
import { createWebGpuEngine } from './webgpu-engine.ts';

/** The host's WebGPU device: navigator.gpu where it exists, else Dawn in Node. */
export async function acquireHostDevice(label = 'webfold'): Promise<GpuContext> {
  const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  if (gpu) return acquireDevice(gpu, { label });
  const { acquireNodeDevice } = await import('../gpu/node.ts');
  return acquireNodeDevice({ label });
}

/**
 * The golden backend over one WebGPU engine (one device for the whole check): the forward pass
 * is the engine's fold; each per-module pair runs on the same device through the GPU module
 * compositions (src/engine/golden-modules.ts). With `devices` > 1 the forward pass is a DAP fold
 * over that many devices (the module pairs run on rank 0's).
 */
export function createWebGpuGoldenBackend(devices = 1): GoldenBackend {
  if (devices > 1) {
    const dap = new InProcessDapEngine(devices, (r) => acquireHostDevice(`webfold golden check rank ${r}`));
    return engineBackend('webgpu', dap, async (c) => runGpuModule(await dap.ranks[0].gpuEnv(), c));
  }
  const engine = createWebGpuEngine(() => acquireHostDevice('webfold golden check'));
  return engineBackend('webgpu', engine, async (c) => runGpuModule(await engine.gpuEnv(), c));
}
