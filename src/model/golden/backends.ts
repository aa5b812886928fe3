/**
 * Backends the golden check can qualify, by name. 'cpu' is the plain-TypeScript reference
 * (src/model/reference); 'webgpu' is the WebGPU engine (src/engine/webgpu-engine-golden.ts),
 * loaded on first use by a dynamic import so that src/model keeps no static dependency on
 * src/engine and the CPU check never loads GPU code.
 */
import type { Engine } from '../engine.ts';
import type { NdArray } from '../ndarray.ts';
import { createCpuEngine } from '../reference/cpu-engine.ts';
import { runReferenceModule } from './reference-modules.ts';
import type { GoldenBackend, GoldenModuleCase } from './types.ts';

export const BACKEND_NAMES = ['cpu', 'webgpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export class BackendUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackendUnavailableError';
  }
}

/**
 * Any `Engine` (src/model/engine.ts) as a golden backend: the forward pass is `fold` with the
 * golden features, its `onStage` intermediates and its final outputs; `module` runs single
 * modules where the implementation offers that (the GPU engine: its kernels per module).
 */
export function engineBackend(
  name: string,
  engine: Engine,
  module?: (c: GoldenModuleCase) => Promise<Record<string, NdArray> | undefined>,
): GoldenBackend {
  return {
    name,
    async forward(features, params, opts) {
      const prediction = await engine.fold({
        features,
        params: { name: 'params.npz', arrays: params },
        options: {
          numRecycles: opts.numRecycles,
          structureLayers: opts.structureLayers,
          onStage: opts.onStage,
          onProgress: opts.onProgress,
          signal: opts.signal,
          precision: opts.precision,
          fullOutputs: true,
        },
      });
      return prediction.outputs;
    },
    module,
  };
}

/** The CPU reference: `CpuReferenceEngine` for the model, the reference functions per module. */
export const cpuBackend: GoldenBackend = engineBackend('cpu', createCpuEngine(), async (c) =>
  runReferenceModule(c),
);

let webgpuLoaded: Promise<GoldenBackend> | undefined;

function loadWebgpuBackend(): Promise<GoldenBackend> {
  webgpuLoaded ??= import('../../engine/webgpu-engine-golden.ts').then((m) => m.createWebGpuGoldenBackend());
  return webgpuLoaded;
}

/** The WebGPU engine (the device is acquired on the first forward pass). */
export const webgpuBackend: GoldenBackend = {
  name: 'webgpu',
  async forward(features, params, opts) {
    return (await loadWebgpuBackend()).forward(features, params, opts);
  },
  async module(c) {
    const b = await loadWebgpuBackend();
    return b.module ? b.module(c) : undefined;
  },
};

/** The backend called `name`, or a clear error (unknown name). */
export function resolveBackend(name: string): GoldenBackend {
  if (name === 'cpu') return cpuBackend;
  if (name === 'webgpu') return webgpuBackend;
  throw new BackendUnavailableError(`unknown backend '${name}' (known: ${BACKEND_NAMES.join(', ')})`);
}
