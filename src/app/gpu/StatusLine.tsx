import type { GpuState } from './store.ts';

function statusOf(state: Pick<GpuState, 'probe' | 'workerCrash'>): { text: string; tone: string } {
  const { probe } = state;
  if (probe.status === 'idle' || probe.status === 'probing') {
    return { text: 'Starting the GPU worker and looking for a WebGPU adapter…', tone: 'pending' };
  }
  if (probe.status === 'failed') return { text: 'The GPU worker did not answer.', tone: 'bad' };
  if (!probe.result.available) return { text: 'WebGPU is not available here.', tone: 'bad' };
  const a = probe.result.adapter;
  const name = a ? [a.vendor, a.architecture].filter(Boolean).join(' · ') || a.description : '';
  return { text: `WebGPU is available${name ? ` — ${name}` : ''}.`, tone: 'good' };
}

/** The one-line status of the GPU, announced to screen readers as it changes. */
export function StatusLine({ state }: { state: Pick<GpuState, 'probe' | 'workerCrash'> }) {
  const { text, tone } = statusOf(state);
  return (
    <p
      className={`status status-${tone}`}
      role="status"
      aria-live="polite"
      data-testid="gpu-status"
      data-state={tone}
    >
      <span className="status-dot" aria-hidden="true" />
      {text}
    </p>
  );
}
