import { useEffect, useId } from 'react';
import { DEMO_PARAMS_ID } from '../../worker/fold-api.ts';
import { useEngineChoice } from '../fold/engine-store.ts';
import { useParamsStore } from '../params/store.ts';
import { F16_LABEL, F32_LABEL, f16Availability } from './precision.ts';
import { SplitSettings } from './SplitSettings.tsx';
import { useInputStore } from './store.ts';

function intOrUndefined(v: string): number | undefined {
  if (v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

function ParamsSelect() {
  const list = useParamsStore((s) => s.list);
  const paramsId = useInputStore((s) => s.settings.paramsId);
  const setSettings = useInputStore((s) => s.setSettings);
  const id = useId();
  const selected = list.find((p) => p.id === paramsId);
  return (
    <div className="field field-wide">
      <label htmlFor={id}>Model parameters</label>
      <select
        id={id}
        data-testid="params-select"
        value={selected ? paramsId : ''}
        onChange={(ev) => setSettings({ paramsId: ev.target.value })}
      >
        {!selected && <option value="">(choose a parameter set)</option>}
        {list.map((p) => (
          <option key={p.id} value={p.id}>
            {p.demo ? p.name : `${p.name} — ${p.source}`}
          </option>
        ))}
      </select>
      {paramsId === DEMO_PARAMS_ID && (
        <p className="field-note demo-warning" data-testid="demo-params-warning">
          ⚠ Demo parameters: untrained demo weights — structures mean nothing. Import the official AlphaFold2
          parameters under Parameters for real predictions.
        </p>
      )}
    </div>
  );
}

function NumberField(props: {
  label: string;
  value: number | undefined;
  min: number;
  max: number;
  placeholder?: string;
  testId: string;
  hint?: string;
  onChange(v: number | undefined): void;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        type="number"
        inputMode="numeric"
        min={props.min}
        max={props.max}
        step={1}
        placeholder={props.placeholder}
        data-testid={props.testId}
        value={props.value ?? ''}
        onChange={(ev) => props.onChange(intOrUndefined(ev.target.value))}
      />
      {props.hint && <p className="field-note muted">{props.hint}</p>}
    </div>
  );
}

function EngineSelect() {
  const choice = useEngineChoice('auto');
  const engine = useInputStore((s) => s.settings.engine ?? 'auto');
  const setSettings = useInputStore((s) => s.setSettings);
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>Engine</label>
      <select
        id={id}
        data-testid="engine-select"
        value={engine}
        onChange={(ev) => {
          const v = ev.target.value;
          setSettings({ engine: v === 'cpu' || v === 'webgpu' ? v : 'auto' });
        }}
      >
        <option value="auto">Automatic ({choice ? (choice.gpu ? 'WebGPU' : 'CPU reference') : '…'})</option>
        <option value="webgpu">WebGPU, even on a software adapter</option>
        <option value="cpu">CPU reference (slow; short sequences)</option>
      </select>
    </div>
  );
}

function PrecisionSelect() {
  const choice = useEngineChoice(useInputStore((s) => s.settings.engine));
  const precision = useInputStore((s) => s.settings.precision);
  const setSettings = useInputStore((s) => s.setSettings);
  const id = useId();
  const f16 = f16Availability(choice);
  const available = f16.status === 'available';
  // f16 asked for but not available with this engine (engine changed, or another adapter): the
  // setting goes back to f32, so the plan, the fold button and this select agree.
  useEffect(() => {
    if (f16.status === 'unavailable' && precision === 'f16') setSettings({ precision: 'f32' });
  }, [f16.status, precision, setSettings]);
  return (
    <div className="field field-wide" data-testid="precision-field" data-f16={f16.status}>
      <label htmlFor={id}>Precision</label>
      <select
        id={id}
        data-testid="precision-select"
        value={available ? precision : 'f32'}
        onChange={(ev) => setSettings({ precision: ev.target.value === 'f16' ? 'f16' : 'f32' })}
      >
        <option value="f32">{F32_LABEL}</option>
        <option value="f16" disabled={!available} data-testid="precision-f16-option">
          {F16_LABEL}
        </option>
      </select>
      {f16.status === 'unavailable' && (
        <p className="field-note muted" data-testid="precision-f16-reason">
          f16 unavailable — {f16.reason}.
        </p>
      )}
      {f16.status === 'checking' && <p className="field-note muted">f16: checking the engine…</p>}
      {available && precision === 'f16' && (
        <p className="field-note muted" data-testid="precision-f16-note">
          Activations stored in f16, arithmetic in f32: about half the GPU memory; pLDDT, pTM and atom
          positions differ slightly from an f32 fold.
        </p>
      )}
    </div>
  );
}

export function RunSettingsForm() {
  const settings = useInputStore((s) => s.settings);
  const setSettings = useInputStore((s) => s.setSettings);
  const reset = useInputStore((s) => s.resetSettings);
  const samplingId = useId();
  return (
    <fieldset className="settings">
      <legend>Run settings</legend>
      <div className="settings-grid">
        <ParamsSelect />
        <NumberField
          label="Recycles"
          value={settings.recycles}
          min={0}
          max={48}
          testId="recycles-input"
          hint="AF2 default 3 (4 passes through the network)"
          onChange={(v) => setSettings({ recycles: v ?? 3 })}
        />
        <NumberField
          label="Seed"
          value={settings.seed}
          min={0}
          max={2 ** 31 - 1}
          testId="seed-input"
          hint="MSA sampling seed"
          onChange={(v) => setSettings({ seed: v ?? 0 })}
        />
        <EngineSelect />
        <PrecisionSelect />
        <SplitSettings />
      </div>
      <details className="advanced">
        <summary>Advanced MSA settings</summary>
        <div className="settings-grid">
          <div className="field">
            <label htmlFor={samplingId}>MSA sampling</label>
            <select
              id={samplingId}
              data-testid="sampling-select"
              value={settings.msaSampling}
              onChange={(ev) => setSettings({ msaSampling: ev.target.value === 'none' ? 'none' : 'af2' })}
            >
              <option value="af2">AF2 (shuffle, cluster, 15% masking; seeded)</option>
              <option value="none">Deterministic (first rows, no masking)</option>
            </select>
          </div>
          <NumberField
            label="MSA cluster rows"
            value={settings.clusters}
            min={1}
            max={512}
            placeholder="auto (≤ 512)"
            testId="clusters-input"
            onChange={(v) => setSettings({ clusters: v && v > 0 ? v : undefined })}
          />
          <NumberField
            label="Extra MSA rows"
            value={settings.extra}
            min={0}
            max={5120}
            placeholder="auto (≤ 1024)"
            testId="extra-input"
            onChange={(v) => setSettings({ extra: v })}
          />
        </div>
        <button type="button" className="secondary" onClick={reset}>
          Reset to defaults
        </button>
      </details>
    </fieldset>
  );
}
