/**
 * The CPU-reference time estimate for the current input, parameter set and recycles, at the rate
 * measured on this computer (the GPU worker's micro-benchmark, run once on first use) or the
 * assumed rate until that is in. One estimate for the CPU offer and the fold button.
 */
import { useEffect } from 'react';
import { useInputStore } from '../input/store.ts';
import { useParamsStore } from '../params/store.ts';
import {
  CPU_FLOPS_PER_SECOND,
  type CpuEstimate,
  cpuEstimate,
  FULL_TRUNK,
  rateFromBenchmark,
  type TrunkSizes,
} from './cpu-estimate.ts';
import { useCurrentPlanInput } from './PlanSection.tsx';
import { useGpuStore } from './store.ts';

export interface CurrentCpuEstimate {
  /** absent while the input is empty or invalid */
  estimate: CpuEstimate | undefined;
  nRes: number | undefined;
  iterations: number;
  /** the selected parameter set's name, or 'full AF2 model' when none is selected */
  model: string;
  /** FLOP/s the estimate used */
  rate: number;
  /** whether `rate` was measured here (else it is the assumed CPU_FLOPS_PER_SECOND) */
  measured: boolean;
  benchmarking: boolean;
}

/** `measure`: run the benchmark if it has not run (only where the CPU reference may be used). */
export function useCpuEstimate(measure: boolean): CurrentCpuEstimate {
  const input = useCurrentPlanInput();
  const recycles = useInputStore((s) => s.settings.recycles);
  const paramsId = useInputStore((s) => s.settings.paramsId);
  const params = useParamsStore((s) => s.list.find((p) => p.id === paramsId));
  const bench = useGpuStore((s) => s.cpuBenchmark);
  const measureCpu = useGpuStore((s) => s.measureCpu);
  useEffect(() => {
    if (measure) void measureCpu();
  }, [measure, measureCpu]);
  const trunk: TrunkSizes = params?.summary ?? FULL_TRUNK;
  const measuredRate = bench.status === 'done' ? rateFromBenchmark(bench.result.flopsPerSecond) : undefined;
  const rate = measuredRate ?? CPU_FLOPS_PER_SECOND;
  const iterations = recycles + 1;
  return {
    estimate: input.status === 'ok' ? cpuEstimate(trunk, input.query, iterations, rate) : undefined,
    nRes: input.status === 'ok' ? input.query.nRes : undefined,
    iterations,
    model: params ? params.name : 'full AF2 model',
    rate,
    measured: measuredRate !== undefined,
    benchmarking: bench.status === 'running',
  };
}
