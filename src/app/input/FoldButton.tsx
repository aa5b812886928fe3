import { describeSplit } from '../../worker/dap-api.ts';
import { useEngineChoice } from '../fold/engine-store.ts';
import { formatDuration } from '../fold/format.ts';
import { useCpuEstimate } from '../gpu/use-cpu-estimate.ts';
import { useJobsStore } from '../jobs/store.ts';
import { useParamsStore } from '../params/store.ts';
import { effectivePrecision } from './precision.ts';
import { effectiveSplit } from './split.ts';
import { useInputStore } from './store.ts';
import { jobNameFrom, type SequenceCheck } from './validate.ts';

/** Queues a job from the current input and settings. */
export function FoldButton({ check }: { check: SequenceCheck }) {
  const alignment = useInputStore((s) => s.alignment);
  const text = useInputStore((s) => s.text);
  const settings = useInputStore((s) => s.settings);
  const choice = useEngineChoice(settings.engine);
  const list = useParamsStore((s) => s.list);
  const submit = useJobsStore((s) => s.submit);
  const selected = list.find((p) => p.id === settings.paramsId);
  const ready = check.status === 'ok' && selected !== undefined;

  const onFold = () => {
    if (check.status !== 'ok' || !selected) return;
    submit({
      name: jobNameFrom(
        alignment ? alignment.description : check.description,
        alignment?.name ?? `sequence ${check.length} aa`,
      ),
      input: alignment
        ? {
            a3m: alignment.text,
            a3mName: alignment.name,
            sequence: alignment.query,
            numRes: alignment.query.length,
            msaRows: alignment.rows,
          }
        : { fasta: text, sequence: check.sequence, numRes: check.length, msaRows: 1 },
      // the precision this fold will really use (f16 only where the engine offers it)
      // … and the split it will really use (several workers or tabs only on the WebGPU engine)
      settings: {
        ...settings,
        precision: effectivePrecision(settings.precision, choice),
        ...effectiveSplit(settings, choice),
      },
      paramsName: selected.name,
      paramsDemo: selected.demo === true,
    });
  };

  const split = choice ? describeSplit(effectiveSplit(settings, choice)) : '';
  const onCpu = choice !== undefined && !choice.gpu;
  const cpu = useCpuEstimate(onCpu);
  const estimate = check.status === 'ok' && onCpu && selected ? cpu.estimate : undefined;

  return (
    <div className="fold-row">
      <button type="button" data-testid="fold-button" disabled={!ready} onClick={onFold}>
        Fold
      </button>
      <span className="muted" data-testid="engine-label">
        {choice ? `Runs on: ${choice.label}` : 'Checking which engine to use…'}
        {choice && effectivePrecision(settings.precision, choice) === 'f16' && ' · f16 storage'}
        {split && ` · split over ${split}`}
        {estimate !== undefined &&
          ` · about ${formatDuration(estimate.seconds * 1000)} with ${selected?.demo ? 'the small demo model' : selected?.name} (estimate${cpu.measured ? ' for this computer' : ''})`}
      </span>
      {!selected && <span className="field-error">Choose a parameter set first.</span>}
    </div>
  );
}
