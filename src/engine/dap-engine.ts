/**
 * One fold split over P GPU devices in one process (DAP transport 1; issue 7): P WebGPU
 * engines, one device each, joined by an in-process collective group. Every rank folds the same
 * input (SPMD, FoldOptions.dap) and rank 0's prediction is the result; only rank 0 reports
 * progress and stages. A lost device or a failed rank ends the fold on every rank: the error is
 * the device loss, or the failed rank's own error (the others' CollectiveErrors only say it is gone).
 */
import { CollectiveError, DEFAULT_TIMEOUT_MS } from '../dap/collectives/collective.ts';
import { watchDevice } from '../dap/collectives/gpu-exchange.ts';
import { createInProcessGroup } from '../dap/collectives/in-process.ts';
import type { GpuContext } from '../gpu/device.ts';
import { DeviceLostError } from '../gpu/errors.ts';
import type { Engine, EnginePrediction, FoldInput } from '../model/engine.ts';
import { WebGpuEngine, type WebGpuEngineOptions } from './webgpu-engine.ts';

export interface DapEngineOptions extends Omit<WebGpuEngineOptions, 'acquire'> {
  /** Bound on every exchange wait (default 30 s). */
  timeoutMs?: number;
}

export class InProcessDapEngine implements Engine {
  readonly name = 'webgpu';
  /** One engine per rank, by rank. */
  readonly ranks: WebGpuEngine[];

  constructor(
    readonly P: number,
    acquire: (rank: number) => Promise<GpuContext>,
    private readonly opts: DapEngineOptions = {},
  ) {
    if (!Number.isInteger(P) || P < 1) throw new RangeError(`DAP: devices must be an integer ≥ 1 (got ${P})`);
    this.ranks = Array.from(
      { length: P },
      (_, r) => new WebGpuEngine({ ...opts, acquire: () => acquire(r) }),
    );
  }

  /** Dispatches of rank 0's first Evoformer block in the last fold. */
  get lastBlockDispatches(): number {
    return this.ranks[0].lastBlockDispatches;
  }

  async fold(input: FoldInput): Promise<EnginePrediction> {
    if (this.P === 1) return this.ranks[0].fold(input);
    const group = createInProcessGroup(this.P, { timeoutMs: this.opts.timeoutMs ?? DEFAULT_TIMEOUT_MS });
    const envs = await Promise.all(this.ranks.map((e) => e.gpuEnv()));
    const lost: string[] = [];
    envs.forEach((env, r) => {
      watchDevice(env.ctx.device, r, (rank, why) => {
        lost.push(`rank ${rank} ${why}`);
        group.lose(rank, why);
      });
    });
    const { onProgress, onStage, ...shared } = input.options ?? {};
    const runs = this.ranks.map((engine, r) =>
      engine.fold({
        ...input,
        options: { ...shared, ...(r === 0 ? { onProgress, onStage } : {}), dap: group.ranks[r] },
      }),
    );
    const settled = await Promise.allSettled(runs);
    const failed = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
    if (failed.length > 0) {
      // cancelled: every rank saw the same signal
      if (input.options?.signal?.aborted) throw failed[0];
      if (lost.length > 0)
        throw new DeviceLostError(`DAP ${lost[0]}; the fold stopped on all ${this.P} ranks`);
      throw failed.find((e) => !(e instanceof CollectiveError)) ?? failed[0];
    }
    return (settled[0] as PromiseFulfilledResult<EnginePrediction>).value;
  }

  async dispose(): Promise<void> {
    await Promise.all(this.ranks.map((e) => e.dispose()));
  }
}
