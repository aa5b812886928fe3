import { useEffect } from 'react';
import { useInputStore } from '../input/store.ts';
import { useParamsStore } from '../params/store.ts';
import {
  CPU_FLOPS_PER_SECOND,
  CPU_OFFER_MAX_SECONDS,
  cpuEstimate,
  FULL_TRUNK,
  formatDuration,
  rateFromBenchmark,
  type TrunkSizes,
} from './cpu-estimate.ts';
import { useCurrentPlanInput } from './PlanSection.tsx';
import { useGpuStore } from './store.ts';

/** Without WebGPU: the CPU reference, with an estimate of its time for the current input. */
export function CpuOffer() {
  const input = useCurrentPlanInput();
  const settings = useInputStore((s) => s.settings);
  const setSettings = useInputStore((s) => s.setSettings);
  const params = useParamsStore((s) => s.list.find((p) => p.id === settings.paramsId));
  const trunk: TrunkSizes = params?.summary ?? FULL_TRUNK;
  const chosen = settings.engine === 'cpu';
  const bench = useGpuStore((s) => s.cpuBenchmark);
  const measureCpu = useGpuStore((s) => s.measureCpu);
  useEffect(() => void measureCpu(), [measureCpu]);
  const measured = bench.status === 'done' ? rateFromBenchmark(bench.result.flopsPerSecond) : undefined;
  const rate = measured ?? CPU_FLOPS_PER_SECOND;
  const estimate =
    input.status === 'ok' ? cpuEstimate(trunk, input.query, settings.recycles + 1, rate) : undefined;
  const tooLong = estimate !== undefined && estimate.seconds > CPU_OFFER_MAX_SECONDS;

  return (
    <div className="alert" data-testid="cpu-offer">
      <h3>Fold on the CPU instead</h3>
      <p>
        webfold also has a CPU reference engine (plain TypeScript, one thread, f32). It gives the same
        structure, far more slowly, so it suits short sequences.
      </p>
      {estimate ? (
        <p
          data-testid="cpu-estimate"
          data-seconds={Math.round(estimate.seconds)}
          data-rate={measured !== undefined ? 'measured' : 'assumed'}
        >
          Estimated time for this input ({input.status === 'ok' ? input.query.nRes : 0} residues,{' '}
          {settings.recycles + 1} iterations, {params ? params.name : 'full AF2 model'}):{' '}
          <strong>
            about {formatDuration(estimate.seconds)} (between {formatDuration(estimate.low)} and{' '}
            {formatDuration(estimate.high)})
          </strong>
          . This is an estimate from a per-block cost model (Evoformer and extra-MSA arithmetic) at{' '}
          {measured !== undefined
            ? `~${(rate / 1e9).toFixed(2)} GFLOP/s, scaled from a short benchmark on this computer`
            : `an assumed ~${(rate / 1e9).toFixed(1)} GFLOP/s${bench.status === 'running' ? ' (measuring this computer…)' : ''}`}
          , not a measurement of the fold itself.
          {tooLong &&
            ' That is too long to be practical; fold a shorter sequence, or use a browser with WebGPU.'}
        </p>
      ) : (
        <p className="muted">Paste a sequence to see how long the CPU reference would take.</p>
      )}
      <button
        type="button"
        data-testid="use-cpu"
        disabled={chosen || tooLong}
        onClick={() => setSettings({ engine: 'cpu' })}
      >
        {chosen ? 'The CPU reference is selected' : 'Use the CPU reference'}
      </button>
    </div>
  );
}
