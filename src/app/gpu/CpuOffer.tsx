import { useInputStore } from '../input/store.ts';
import { CPU_OFFER_MAX_SECONDS, formatDuration } from './cpu-estimate.ts';
import { useCpuEstimate } from './use-cpu-estimate.ts';

/** Without WebGPU: the CPU reference, with an estimate of its time for the current input. */
export function CpuOffer() {
  const engine = useInputStore((s) => s.settings.engine);
  const setSettings = useInputStore((s) => s.setSettings);
  const { estimate, nRes, iterations, model, rate, measured, benchmarking } = useCpuEstimate(true);
  const chosen = engine === 'cpu';
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
          data-rate={measured ? 'measured' : 'assumed'}
        >
          Estimated time for this input ({nRes} residues, {iterations} iterations, {model}):{' '}
          <strong>
            about {formatDuration(estimate.seconds)} (between {formatDuration(estimate.low)} and{' '}
            {formatDuration(estimate.high)})
          </strong>
          . This is an estimate from a per-block cost model (Evoformer and extra-MSA arithmetic) at{' '}
          {measured
            ? `~${(rate / 1e9).toFixed(2)} GFLOP/s, scaled from a short benchmark on this computer`
            : `an assumed ~${(rate / 1e9).toFixed(1)} GFLOP/s${benchmarking ? ' (measuring this computer…)' : ''}`}
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
