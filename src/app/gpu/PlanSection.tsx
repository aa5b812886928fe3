import { useEffect, useMemo } from 'react';
import type { PlanOutcome } from '../../worker/gpu-api.ts';
import { useInputStore } from '../input/store.ts';
import { useParamsStore } from '../params/store.ts';
import { formatBytes } from './format.ts';
import { type PlanInput, planInputFrom, queryKey } from './plan-input.ts';
import { useGpuStore } from './store.ts';

/** The current input as the plan needs it (recomputed only when the input or parameter set changes). */
export function useCurrentPlanInput(): PlanInput {
  const text = useInputStore((s) => s.text);
  const rows = useInputStore((s) => s.alignment?.rows);
  const settings = useInputStore((s) => s.settings);
  const list = useParamsStore((s) => s.list);
  const params = list.find((p) => p.id === settings.paramsId);
  return useMemo(
    () => planInputFrom({ text, alignmentRows: rows, settings }, params),
    [text, rows, settings, params],
  );
}

/** `{ rows: 16, queries: 64 }` → `rows 16 ×4, queries 64` (×loops when a loop runs more than once). */
export function formatChunks(chunks: Record<string, number>, loops: Record<string, number>): string {
  return Object.entries(chunks)
    .map(([k, v]) => `${k} ${v}${(loops[k] ?? 1) > 1 ? ` ×${loops[k]}` : ''}`)
    .join(', ');
}

function PlanResult({ outcome }: { outcome: PlanOutcome }) {
  if (!outcome.ok) {
    return (
      <div className="alert alert-bad" role="alert" data-testid="plan-error">
        <strong>This input does not fit this GPU.</strong> {outcome.message}
        {outcome.needed !== undefined && outcome.limit !== undefined && outcome.limitName && (
          <p>
            {outcome.stage ? <code>{outcome.stage}</code> : 'A stage'} needs{' '}
            <strong>
              {outcome.limitName.includes('Workgroups') ? outcome.needed : formatBytes(outcome.needed)}
            </strong>
            ; <code>{outcome.limitName}</code> is{' '}
            {outcome.limitName.includes('Workgroups') ? outcome.limit : formatBytes(outcome.limit)}. Try a
            shorter sequence, fewer MSA rows, or f16.
          </p>
        )}
      </div>
    );
  }
  return (
    <div data-testid="plan-result">
      <dl className="fields">
        <dt>Model</dt>
        <dd data-testid="plan-model">
          {outcome.model}
          {outcome.approximate && ' (approximate: head sizes assumed from AF2)'}
        </dd>
        <dt>Precision</dt>
        <dd>
          {outcome.precision.storage} storage, f32 accumulation
          {outcome.precision.note && <span className="muted"> — {outcome.precision.note}</span>}
        </dd>
        <dt>Predicted peak device memory</dt>
        <dd data-testid="plan-peak" data-bytes={outcome.peak.bytes}>
          <strong>{formatBytes(outcome.peak.bytes)}</strong>{' '}
          <span className="muted">
            in <code>{outcome.peak.stage}</code>; {formatBytes(outcome.weightsBytes)} of it weights
          </span>
        </dd>
        <dt>Largest buffer</dt>
        <dd data-testid="plan-largest">
          {formatBytes(outcome.largestBuffer.bytes)} <code>{outcome.largestBuffer.name}</code> of{' '}
          {formatBytes(outcome.maxStorageBufferBindingSize)} <code>maxStorageBufferBindingSize</code> (
          {Math.round((100 * outcome.largestBuffer.bytes) / outcome.maxStorageBufferBindingSize)}%)
        </dd>
      </dl>
      <details>
        <summary>Chunk sizes per module ({outcome.modules.length})</summary>
        <table className="table" data-testid="plan-chunks">
          <thead>
            <tr>
              <th scope="col">Module</th>
              <th scope="col">Chunks (×loops)</th>
            </tr>
          </thead>
          <tbody>
            {outcome.modules.map((m) => (
              <tr key={m.name}>
                <th scope="row">
                  <code>{m.name}</code>
                </th>
                <td>{formatChunks(m.chunks, m.loops)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </div>
  );
}

/** "Plan for this input": peak memory, largest buffer and chunking, planned in the GPU worker. */
export function PlanSection() {
  const input = useCurrentPlanInput();
  const plan = useGpuStore((s) => s.plan);
  const requestPlan = useGpuStore((s) => s.requestPlan);
  const key = input.status === 'ok' ? queryKey(input.query) : undefined;

  useEffect(() => {
    if (input.status !== 'ok' || key === undefined) return;
    // Wait for typing to pause before planning (~50 ms of worker time per plan).
    const timer = setTimeout(() => void requestPlan(key, input.query), 250);
    return () => clearTimeout(timer);
  }, [input, key, requestPlan]);

  const current = plan.status !== 'idle' && plan.key === key ? plan : undefined;
  return (
    <div data-testid="plan-section" data-status={current?.status ?? 'idle'}>
      <h3>Plan for this input</h3>
      {input.status === 'empty' && <p className="muted">Paste a sequence to see its memory plan.</p>}
      {input.status === 'invalid' && <p className="muted">The sequence is not valid yet; no plan.</p>}
      {input.status === 'ok' && (
        <p className="muted" data-testid="plan-sizes">
          N_res {input.query.nRes}, {input.query.nSeq} MSA cluster row{input.query.nSeq === 1 ? '' : 's'},{' '}
          {input.query.nExtra} extra row{input.query.nExtra === 1 ? '' : 's'}
          {input.msaRows > 1 ? ` (from ${input.msaRows} alignment rows)` : ''}.
        </p>
      )}
      {input.status === 'ok' && (!current || current.status === 'planning') && (
        <p aria-busy="true">Planning…</p>
      )}
      {current?.status === 'failed' && (
        <p className="alert alert-bad" role="alert">
          The plan could not be computed: {current.error}
        </p>
      )}
      {current?.status === 'done' && <PlanResult outcome={current.outcome} />}
    </div>
  );
}
