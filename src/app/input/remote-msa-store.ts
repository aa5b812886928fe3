/**
 * Remote MSA search (opt-in): the pasted sequence is sent to a ColabFold MMseqs2 API server, and
 * the A3M it returns becomes the input's alignment. Off until the user turns it on; the server
 * URL is remembered in this browser.
 */
import { create } from 'zustand';
import {
  DEFAULT_MSA_SERVER,
  type MsaMode,
  normalizeHost,
  type RemoteMsaState,
  searchMsa,
} from '../../model/msa-remote/client.ts';
import { errorMessage } from '../fold/client.ts';
import { useInputStore } from './store.ts';
import { checkFasta } from './validate.ts';

const SERVER_KEY = 'webfold.msa-server';

export type RemoteMsaStatus =
  | { status: 'idle' }
  | { status: 'running'; progress: RemoteMsaState | { state: 'starting' } }
  | { status: 'done'; rows: number; host: string; ticket: string }
  | { status: 'failed'; message: string }
  | { status: 'cancelled' };

export interface RemoteMsaStore {
  /** the user agreed to send the sequence to the server */
  enabled: boolean;
  server: string;
  mode: MsaMode;
  state: RemoteMsaStatus;
  setEnabled(on: boolean): void;
  setServer(url: string): void;
  setMode(mode: MsaMode): void;
  search(): Promise<void>;
  cancel(): void;
}

function savedServer(): string {
  try {
    return localStorage.getItem(SERVER_KEY) || DEFAULT_MSA_SERVER;
  } catch {
    return DEFAULT_MSA_SERVER;
  }
}

let controller: AbortController | undefined;

export const useRemoteMsaStore = create<RemoteMsaStore>()((set, get) => ({
  enabled: false,
  server: savedServer(),
  mode: 'env',
  state: { status: 'idle' },

  setEnabled(on) {
    if (!on) get().cancel();
    set({ enabled: on });
  },

  setServer(url) {
    set({ server: url });
    try {
      localStorage.setItem(SERVER_KEY, url.trim());
    } catch {
      // private mode: not remembered
    }
  },

  setMode: (mode) => set({ mode }),

  async search() {
    if (!get().enabled) return;
    const check = checkFasta(useInputStore.getState().text);
    if (check.status !== 'ok') {
      set({
        state: {
          status: 'failed',
          message:
            check.status === 'empty'
              ? 'Paste a sequence first.'
              : `The sequence is not valid: ${check.message}`,
        },
      });
      return;
    }
    controller?.abort();
    const ac = new AbortController();
    controller = ac;
    set({ state: { status: 'running', progress: { state: 'starting' } } });
    try {
      const host = normalizeHost(get().server);
      const r = await searchMsa(check.sequence, {
        host,
        mode: get().mode,
        queryName: check.description || 'query',
        signal: ac.signal,
        onState: (progress) => {
          if (controller === ac) set({ state: { status: 'running', progress } });
        },
      });
      const name = `mmseqs2-${get().mode}.a3m`;
      const applied = useInputStore.getState().setAlignment(name, r.a3m);
      if (applied.status !== 'ok')
        throw new Error(`the server's alignment is not usable: ${applied.message}`);
      set({ state: { status: 'done', rows: r.rows, host: r.host, ticket: r.ticket } });
    } catch (err) {
      if (controller !== ac) return;
      if (err instanceof Error && err.name === 'CancelledError') set({ state: { status: 'cancelled' } });
      else set({ state: { status: 'failed', message: errorMessage(err) } });
    } finally {
      if (controller === ac) controller = undefined;
    }
  },

  cancel() {
    if (!controller) return;
    controller.abort(new Error('MSA search cancelled; nothing more is sent'));
    controller = undefined;
    set({ state: { status: 'cancelled' } });
  },
}));
