import type { StoredParams } from '../../worker/fold-api.ts';
import { formatBytes, formatDate } from '../fold/format.ts';
import { useInputStore } from '../input/store.ts';
import { useParamsStore } from './store.ts';

function configText(p: StoredParams): string {
  const s = p.summary;
  const heads = [s.ptm ? 'pTM/PAE head' : 'no PAE head', s.templates ? 'templates' : 'no templates'];
  return `${s.evoformerBlocks} Evoformer blocks, c_m ${s.c_m}, c_z ${s.c_z}; ${heads.join(', ')}; ${s.parameterCount.toLocaleString()} parameters`;
}

function Row({ p }: { p: StoredParams }) {
  const remove = useParamsStore((s) => s.remove);
  const selectedId = useInputStore((s) => s.settings.paramsId);
  const setSettings = useInputStore((s) => s.setSettings);
  const inUse = selectedId === p.id;
  return (
    <tr data-testid="params-row" data-demo={p.demo ? 'true' : 'false'}>
      <th scope="row">
        {p.demo ? <span className="badge badge-warn">demo</span> : null} {p.name}
        <div className="muted small">{p.source}</div>
      </th>
      <td className="num">{formatBytes(p.bytes)}</td>
      <td>{p.demo ? 'built in' : formatDate(p.storedAt)}</td>
      <td className="small">{configText(p)}</td>
      <td className="actions">
        <button
          type="button"
          className="secondary"
          disabled={inUse}
          onClick={() => setSettings({ paramsId: p.id })}
        >
          {inUse ? 'Selected' : 'Use'}
        </button>
        {!p.demo && (
          <button
            type="button"
            className="danger"
            aria-label={`Remove ${p.name}`}
            onClick={() => {
              if (confirm(`Remove ${p.name} (${formatBytes(p.bytes)}) from this browser?`)) void remove(p.id);
            }}
          >
            Remove
          </button>
        )}
      </td>
    </tr>
  );
}

export function ParamsList() {
  const list = useParamsStore((s) => s.list);
  const status = useParamsStore((s) => s.listStatus);
  const error = useParamsStore((s) => s.listError);
  if (status === 'loading') return <p className="muted">Listing stored parameter sets…</p>;
  return (
    <>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <div className="table-wrap">
        <table className="table" data-testid="params-table">
          <caption className="visually-hidden">Parameter sets available in this browser</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col" className="num">
                Size
              </th>
              <th scope="col">Stored</th>
              <th scope="col">Model</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.map((p) => (
              <Row key={p.id} p={p} />
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
