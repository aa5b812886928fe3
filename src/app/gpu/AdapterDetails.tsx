import type { AdapterSummary } from '../../worker/gpu-api.ts';

/** Optional features webfold uses when the adapter has them. */
const USED_FEATURES: Record<string, string> = {
  'shader-f16': 'half-precision storage of activations and weights',
  subgroups: 'faster reductions (layer norm, softmax)',
  'timestamp-query': 'per-kernel GPU timings',
};

function Field({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <>
      <dt>{label}</dt>
      <dd data-testid={testId}>{value || <span className="muted">(not reported)</span>}</dd>
    </>
  );
}

export function AdapterDetails({ adapter }: { adapter: AdapterSummary }) {
  return (
    <div data-testid="adapter">
      <h3>Adapter</h3>
      <dl className="fields">
        <Field label="Vendor" value={adapter.vendor} testId="adapter-vendor" />
        <Field label="Architecture" value={adapter.architecture} testId="adapter-architecture" />
        <Field label="Device" value={adapter.device} testId="adapter-device" />
        <Field label="Description" value={adapter.description} testId="adapter-description" />
        <Field
          label="Fallback adapter"
          value={adapter.isFallbackAdapter ? 'yes — software rendering, expect it to be slow' : 'no'}
          testId="adapter-fallback"
        />
      </dl>
    </div>
  );
}

export function FeatureList({ features }: { features: string[] }) {
  const have = new Set(features);
  return (
    <div>
      <h3>Features</h3>
      <ul className="used-features" aria-label="Features webfold uses">
        {Object.entries(USED_FEATURES).map(([name, why]) => (
          <li key={name} data-testid={`feature-${name}`} data-present={have.has(name)}>
            <span className={have.has(name) ? 'badge badge-good' : 'badge badge-muted'}>
              {have.has(name) ? 'yes' : 'no'}
            </span>{' '}
            <code>{name}</code> <span className="muted">— {why}</span>
          </li>
        ))}
      </ul>
      <details>
        <summary>All {features.length} adapter features</summary>
        <ul className="chips" data-testid="features-list">
          {features.map((f) => (
            <li key={f}>
              <code>{f}</code>
            </li>
          ))}
        </ul>
      </details>
    </div>
  );
}
