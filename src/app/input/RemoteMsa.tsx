import { useId } from 'react';
import type { MsaMode, RemoteMsaState } from '../../model/msa-remote/client.ts';
import { useRemoteMsaStore } from './remote-msa-store.ts';

function seconds(ms: number): string {
  return `${Math.max(1, Math.round(ms / 1000))} s`;
}

function stateText(p: RemoteMsaState | { state: 'starting' }): string {
  switch (p.state) {
    case 'starting':
      return 'Starting…';
    case 'submitting':
      return p.attempt > 1 ? `Submitting the sequence (attempt ${p.attempt})…` : 'Submitting the sequence…';
    case 'rate-limited':
      return `The server is rate-limiting requests (${p.reason}); retrying in ${seconds(p.retryInMs)} (attempt ${p.attempt} refused).`;
    case 'queued':
      return `Queued on the server (ticket ${p.ticket})…`;
    case 'running':
      return `Searching (ticket ${p.ticket}, ${seconds(p.elapsedMs)} so far)…`;
    case 'downloading':
      return 'Downloading the result…';
    case 'unpacking':
      return `Unpacking the result (${(p.bytes / 1024).toFixed(0)} KiB)…`;
  }
}

function Status() {
  const state = useRemoteMsaStore((s) => s.state);
  switch (state.status) {
    case 'idle':
      return null;
    case 'running':
      return (
        <p
          className="field-note"
          role="status"
          data-testid="remote-msa-status"
          data-state={state.progress.state}
        >
          {stateText(state.progress)}
        </p>
      );
    case 'done':
      return (
        <p className="field-note field-ok" role="status" data-testid="remote-msa-done">
          ✓ {state.rows} sequences from {state.host} (ticket {state.ticket}), now used as the alignment.
        </p>
      );
    case 'cancelled':
      return (
        <p className="field-note" data-testid="remote-msa-cancelled">
          MSA search cancelled.
        </p>
      );
    case 'failed':
      return (
        <div className="alert alert-bad" role="alert" data-testid="remote-msa-error">
          <strong>The MSA search failed.</strong>
          <p className="pre-line">{state.message}</p>
        </div>
      );
  }
}

/** Opt-in MSA search on a ColabFold MMseqs2 server: the one feature that sends the sequence away. */
export function RemoteMsa() {
  const { enabled, server, mode, state } = useRemoteMsaStore();
  const { setEnabled, setServer, setMode, search, cancel } = useRemoteMsaStore.getState();
  const optId = useId();
  const serverId = useId();
  const modeId = useId();
  const running = state.status === 'running';
  return (
    <details className="field" data-testid="remote-msa" open={enabled || undefined}>
      <summary>Search an MSA on a ColabFold MMseqs2 server (sends your sequence)…</summary>
      <div className="notice" data-testid="remote-msa-notice">
        <p>
          <strong>Your sequence leaves this device in this mode.</strong> It is sent to the MSA server below
          (by default the public ColabFold server, run by others), which searches sequence databases and sends
          back an alignment. Everything else, the fold included, stays here. Do not use it for confidential
          sequences; upload your own A3M instead.
        </p>
        <label htmlFor={optId}>
          <input
            id={optId}
            type="checkbox"
            checked={enabled}
            data-testid="remote-msa-optin"
            onChange={(ev) => setEnabled(ev.target.checked)}
          />{' '}
          I agree to send this sequence to the server
        </label>
      </div>
      <label htmlFor={serverId}>Server URL</label>
      <input
        id={serverId}
        type="url"
        value={server}
        disabled={running}
        style={{ width: '100%' }}
        data-testid="remote-msa-server"
        onChange={(ev) => setServer(ev.target.value)}
      />
      <label htmlFor={modeId}>Databases</label>{' '}
      <select
        id={modeId}
        value={mode}
        disabled={running}
        data-testid="remote-msa-mode"
        onChange={(ev) => setMode(ev.target.value as MsaMode)}
      >
        <option value="env">UniRef30 + environmental (ColabFold default)</option>
        <option value="all">UniRef30 only</option>
      </select>
      <div className="row-start">
        <button
          type="button"
          disabled={!enabled || running}
          data-testid="remote-msa-search"
          onClick={() => void search()}
        >
          Search MSA
        </button>
        {running && (
          <button type="button" className="secondary" data-testid="remote-msa-cancel" onClick={cancel}>
            Cancel search
          </button>
        )}
      </div>
      <Status />
    </details>
  );
}
