/** Errors of the WebGPU runtime. Each names the thing that failed: a label, a limit, a need. */

export class GpuError extends Error {
  override name = 'GpuError';
}

/** A device limit the work needs more of than the adapter has. */
export class DeviceLimitError extends GpuError {
  override name = 'DeviceLimitError';
  constructor(
    readonly limit: string,
    readonly needed: number,
    readonly available: number,
    readonly what = '',
  ) {
    super(
      `device limit ${limit} is too small${what ? ` for ${what}` : ''}: needs ${needed}, the adapter allows ${available}`,
    );
  }
}

export class DeviceLostError extends GpuError {
  override name = 'DeviceLostError';
}

/**
 * Runs `fn` inside validation and out-of-memory error scopes and throws a GpuError naming `label`
 * if WebGPU reported one. Use around pipeline creation and allocation, not around every dispatch.
 */
export async function withErrorScope<T>(device: GPUDevice, label: string, fn: () => T): Promise<T> {
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  let result: T | undefined;
  let thrown: unknown;
  try {
    result = fn();
  } catch (err) {
    thrown = err;
  }
  const validation = await device.popErrorScope();
  const oom = await device.popErrorScope();
  if (thrown !== undefined) throw thrown;
  const err = validation ?? oom;
  if (err) throw new GpuError(`${label}: ${err.message}`);
  return result as T;
}
