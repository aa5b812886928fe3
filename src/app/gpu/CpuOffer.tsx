import { useInputStore } from '../input/store.ts';
import { useParamsStore } from '../params/store.ts';
import {
  CPU_OFFER_MAX_SECONDS,
  cpuEstimate,
  FULL_TRUNK,
  formatDuration,
  type TrunkSizes,
} from './cpu-estimate.ts';
import { useCurrentPlanInput } from './PlanSection.tsx';

/** Without WebGPU: the CPU reference, with an estimate of its time for the current input. */
export function CpuOffer() {
  const input = useCurrentPlanInput();
  const settings = useInputStore((s) => s.settings);
  const setSettings = useInputStore((s) => s.setSettings);
  const params = useParamsStore((s) => s.list.find((p) => p.id === settings.paramsId));
  const trunk: TrunkSizes = params?.summary ?? FULL_TRUNK;
  const chosen = settings.engine === 'cpu';
  const estimate = input.status === 'ok' ? cpuEstimate(trunk, input.query, settings.recycles + 1) : undefined;
  const tooLong = estimate !== undefined && estimate.seconds > CPU_OFFER_MAX_SECONDS;

  return (
    <div className="alert" data-testid="cpu-offer">
      <h3>Fold on the CPU instead</h3>
      <p>
        webfold also has a CPU reference engine (plain TypeScript, one thread, f32). It gives the same
        structure, far more slowly, so it suits short sequences.
      </p>
      {estimate ? (
        <p data-testid="cpu-estimate" data-seconds={Math.round(estimate.seconds)}>
          Estimated time for this input ({input.status === 'ok' ? input.query.nRes : 0} residues,{' '}
          {settings.recycles + 1} iterations, {params ? params.name : 'full AF2 model'}):{' '}
          <strong>
            about {formatDuration(estimate.seconds)} (between {formatDuration(estimate.low)} and{' '}
            {formatDuration(estimate.high)})
          </strong>
          . This is an estimate from a per-block cost model (Evoformer and extra-MSA arithmetic at a measured
          ~0.2 GFLOP/s), not a measurement on this computer.
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
