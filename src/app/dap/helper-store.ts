/**
 * A tab opened from an invitation link (`#dap=<job>&ranks=<P>`) helps fold another tab's job: a
 * fold worker of its own joins the job's tab group, receives the job and folds its share. This
 * store holds what the helper panel shows; stopping (or closing the tab) ends the worker, and the
 * coordinating tab then stops naming this tab's rank.
 */
import { create } from 'zustand';
import { type HelperEvent, type TabInvite, tabJobFromLink } from '../../worker/dap-api.ts';
import type { FoldProgressEvent } from '../../worker/fold-api.ts';
import { clientSlot, errorMessage } from '../fold/client.ts';

export const helperWorker = clientSlot('webfold-dap-helper');

/**
 * Whether the page was opened from an invitation link (well-formed or not): such a tab only
 * helps; it neither shows nor runs this origin's job queue (which the inviting tab runs).
 */
export function openedFromInvitation(url: string): boolean {
  try {
    return tabJobFromLink(url) !== null;
  } catch {
    return true;
  }
}

export type HelperPhase = 'joining' | 'folding' | 'done' | 'failed' | 'stopped';

export interface HelperState {
  invite: TabInvite | undefined;
  /** a malformed invitation link */
  linkError: string | undefined;
  phase: HelperPhase | undefined;
  jobName: string | undefined;
  rank: number | undefined;
  progress: FoldProgressEvent | undefined;
  error: string | undefined;
  ms: number | undefined;
  /** Reads the invitation from the page's address and starts helping (once). */
  startFromLink(url: string): void;
  stop(): void;
}

export const useHelperStore = create<HelperState>()((set, get) => ({
  invite: undefined,
  linkError: undefined,
  phase: undefined,
  jobName: undefined,
  rank: undefined,
  progress: undefined,
  error: undefined,
  ms: undefined,

  startFromLink(url) {
    if (get().invite || get().linkError) return;
    let invite: TabInvite | null;
    try {
      invite = tabJobFromLink(url);
    } catch (err) {
      set({ linkError: `This invitation link is malformed: ${errorMessage(err)}` });
      return;
    }
    if (!invite) return;
    set({ invite, phase: 'joining' });
    const onEvent = (e: HelperEvent) => {
      if (get().phase === 'stopped') return;
      set({ phase: e.phase, jobName: e.jobName, rank: e.rank, progress: e.progress ?? get().progress });
    };
    helperWorker
      .get()
      .help(invite, onEvent)
      .then(
        (r) => set({ phase: 'done', jobName: r.jobName, rank: r.rank, ms: r.ms }),
        (err: unknown) => {
          if (get().phase !== 'stopped') set({ phase: 'failed', error: errorMessage(err) });
        },
      );
  },

  stop() {
    set({ phase: 'stopped' });
    helperWorker.restart('stopped helping');
  },
}));
