import type { GpuState } from './store.ts';

type Shown = Pick<GpuState, 'probe' | 'workerCrash' | 'deviceLost'>;

function statusOf(state: Shown): { text: string; tone: string } {
  const { probe } = state;
  if (state.workerCrash) return { text: 'The GPU worker stopped.', tone: 'bad' };
  if (state.deviceLost) return { text: 'The GPU device was lost.', tone: 'bad' };
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
export function StatusLine({ state }: { state: Shown }) {
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
