import { useId } from 'react';
import { MAX_RANKS } from '../../worker/dap-api.ts';
import { useEngineChoice } from '../fold/engine-store.ts';
import { splitAvailability } from './split.ts';
import { useInputStore } from './store.ts';

/**
 * Dynamic Axial Parallelism in the run settings: the workers of this tab a fold is split over
 * (1–4), or another tab invited to fold it with this one. WebGPU engine only; otherwise both are
 * disabled with the reason.
 */
export function SplitSettings() {
  const choice = useEngineChoice(useInputStore((s) => s.settings.engine));
  const ranks = useInputStore((s) => s.settings.ranks ?? 1);
  const tabs = useInputStore((s) => s.settings.tabs ?? 1);
  const setSettings = useInputStore((s) => s.setSettings);
  const workersId = useId();
  const inviteId = useId();
  const split = splitAvailability(choice);
  const available = split.status === 'available';
  const inviting = available && tabs > 1;
  return (
    <div className="field field-wide" data-testid="split-field" data-split={split.status}>
      <label htmlFor={workersId}>Workers for this fold</label>
      <select
        id={workersId}
        data-testid="workers-select"
        disabled={!available || inviting}
        value={available && !inviting ? ranks : 1}
        onChange={(ev) => setSettings({ ranks: Number(ev.target.value) })}
      >
        {Array.from({ length: MAX_RANKS }, (_, i) => i + 1).map((n) => (
          <option key={n} value={n}>
            {n === 1 ? '1 (not split)' : `${n} — split over ${n} workers, each on its own GPU device`}
          </option>
        ))}
      </select>
      {/* a check box in a row with its text (the settings grid stretches inputs) */}
      <label htmlFor={inviteId} style={{ fontWeight: 'normal', marginTop: '0.5rem' }}>
        <input
          id={inviteId}
          type="checkbox"
          style={{ width: 'auto' }}
          data-testid="invite-tab-checkbox"
          disabled={!available}
          checked={inviting}
          onChange={(ev) => setSettings({ tabs: ev.target.checked ? 2 : 1 })}
        />{' '}
        Invite another tab to fold with this one (a link to open in a second tab of this browser)
      </label>
      {split.status === 'unavailable' && (
        <p className="field-note muted" data-testid="split-reason">
          Splitting unavailable — {split.reason}.
        </p>
      )}
      {inviting && (
        <p className="field-note muted" data-testid="split-note">
          One worker per tab: the job shows the invitation link while it waits for the other tab.
        </p>
      )}
      {available && !inviting && ranks > 1 && (
        <p className="field-note muted" data-testid="split-note">
          The Evoformer and extra-MSA stacks are split over {ranks} workers (Dynamic Axial Parallelism); the
          result is the same as on one.
        </p>
      )}
    </div>
  );
}
