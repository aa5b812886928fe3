/**
 * The message contract of a DAP (Dynamic Axial Parallelism, issue 7) fold as the app sees it: a
 * fold split over P ranks, either dedicated workers of this tab (`RunSettings.ranks`) or browser
 * tabs of this origin (`RunSettings.tabs`, the others join from an invitation link). Types and
 * tiny pure helpers only, so the page bundle stays free of engine code.
 */
import type { FoldProgressEvent } from './fold-api.ts';

/** The invitation link of a tab job, and the job a link invites to (the tab transport's). */
export { tabJobFromLink, tabJobLink } from '../dap/collectives/tabs.ts';

/** The most ranks a fold may use (workers in one tab, or tabs). */
export const MAX_RANKS = 4;

export type DapTransportKind = 'workers' | 'tabs';

/** Where a split fold stands (carried by progress events). */
export interface DapStatus {
  transport: DapTransportKind;
  /** P */
  size: number;
  /** this tab's rank once the group is formed (tabs); the workers' host reports rank 0's view */
  rank?: number;
  /** 'joining': waiting for the other ranks (tabs: the invited tab); 'folding': the group is formed */
  phase: 'joining' | 'folding';
}

/** The invitation a helper tab got from its link (`#dap=<job>&ranks=<P>`). */
export interface TabInvite {
  job: string;
  size: number;
}

/** What a helper tab is told while it helps (through `FoldWorkerApi.help`). */
export interface HelperEvent {
  phase: 'joining' | 'folding' | 'done';
  size: number;
  /** the job's name as the coordinating tab gave it (once joined) */
  jobName?: string;
  rank?: number;
  /** this tab's fold of its share */
  progress?: FoldProgressEvent;
}

/** How a helper tab's part ended. */
export interface HelperResult {
  jobName: string;
  rank: number;
  size: number;
  ms: number;
}

/** P of a job: its workers or its tabs (1: not split). */
export function ranksOf(settings: { ranks?: number; tabs?: number }): {
  size: number;
  transport: DapTransportKind | null;
} {
  const tabs = settings.tabs ?? 1;
  const workers = settings.ranks ?? 1;
  if (tabs > 1) return { size: tabs, transport: 'tabs' };
  if (workers > 1) return { size: workers, transport: 'workers' };
  return { size: 1, transport: null };
}

/** e.g. '2 workers in this tab', '2 tabs'; '' for an unsplit fold. */
export function describeSplit(settings: { ranks?: number; tabs?: number }): string {
  const { size, transport } = ranksOf(settings);
  if (transport === 'workers') return `${size} workers in this tab`;
  if (transport === 'tabs') return `${size} tabs`;
  return '';
}
