/**
 * Backends the golden check can qualify, by name. 'cpu' is the plain-TypeScript reference
 * (src/model/reference); 'webgpu' plugs in here once src/engine implements `GoldenBackend`.
 */
import { referenceForward } from '../reference/model.ts';
import { runReferenceModule } from './reference-modules.ts';
import type { GoldenBackend } from './types.ts';

export const BACKEND_NAMES = ['cpu', 'webgpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export class BackendUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackendUnavailableError';
  }
}

export const cpuBackend: GoldenBackend = {
  name: 'cpu',
  forward: (features, params, opts) => referenceForward(features, params, opts),
  async module(c) {
    return runReferenceModule(c);
  },
};

/** The backend called `name`, or a clear error (unknown name, or known but not built yet). */
export function resolveBackend(name: string): GoldenBackend {
  if (name === 'cpu') return cpuBackend;
  if (name === 'webgpu') {
    throw new BackendUnavailableError(
      "backend 'webgpu' is not implemented yet (the GPU engine in src/engine has no forward pass); use --backend cpu",
    );
  }
  throw new BackendUnavailableError(`unknown backend '${name}' (known: ${BACKEND_NAMES.join(', ')})`);
}
