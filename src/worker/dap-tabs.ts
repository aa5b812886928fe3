/**
 * A fold split over browser tabs of this origin (DAP transport 3), run in each tab's fold worker:
 * the tab whose job it is (coordinating) and the tabs that opened its invitation link (helping)
 * join the tab group named by the job id (../dap/collectives/tabs.ts), the job travels from the
 * tab that has it to the others, and every tab folds it with its own engine, device and
 * collective. A tab that is closed mid-fold makes the others stop with a message naming its rank.
 */
import type { Collective } from '../dap/collectives/collective.ts';
import { browserTabEnvironment, joinTabGroup, type TabEnvironment } from '../dap/collectives/tabs.ts';
import type { DapStatus, HelperEvent, HelperResult, TabInvite } from './dap-api.ts';
import { DapFoldError, dapFailure, rankFailureOf } from './dap-failure.ts';
import type { FoldJob, FoldProgressEvent, FoldResult } from './fold-api.ts';

/** How long a tab waits for the others to join (the invited tab, or the coordinating tab's fold). */
export const TAB_JOIN_TIMEOUT_MS = 10 * 60_000;

/** Folds `job` on this tab's engine as one rank of the group (the fold worker's runFold). */
export type RankFold = (
  job: FoldJob,
  coll: Collective,
  onProgress: (p: FoldProgressEvent) => void,
) => Promise<FoldResult>;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Every tab gets the job: the one tab that has it sends it, the others send nothing. */
export async function shareJob(coll: Collective, mine: FoldJob | null): Promise<FoldJob> {
  const all = await coll.allGather(mine ? encoder.encode(JSON.stringify(mine)) : new Uint8Array(0));
  const sent = all.filter((b) => b.length > 0);
  if (sent.length !== 1) {
    throw new Error(
      sent.length === 0
        ? 'no tab of this group has the job: every tab joined from the link'
        : `${sent.length} tabs brought a job to the same group`,
    );
  }
  return JSON.parse(decoder.decode(sent[0])) as FoldJob;
}

/** After this tab's fold: leave once every tab is done too (a peer must not lose us mid-receive). */
function leaveWhenAllDone(coll: Collective): void {
  void coll
    .barrier()
    .catch(() => undefined)
    .finally(() => {
      try {
        coll.close();
      } catch {
        // this tab's channels are gone already (the tab is closing): nothing left to leave
      }
    });
}

async function join(env: TabEnvironment, job: string, size: number, helping: boolean) {
  try {
    return await joinTabGroup(env, { job, size, joinTimeoutMs: TAB_JOIN_TIMEOUT_MS });
  } catch (err) {
    const minutes = TAB_JOIN_TIMEOUT_MS / 60_000;
    throw new DapFoldError(
      helping
        ? `The tab that invited this one did not start job ${job} within ${minutes} min ` +
            `(${(err as Error).message}); nothing was folded here.`
        : `Not all ${size} tabs joined within ${minutes} min (${(err as Error).message}): open the ` +
            'invitation link in another tab of this browser. Nothing was folded; re-run it.',
      null,
    );
  }
}

/** A lost tab becomes a message naming it; this tab's own errors stay as they are. */
function explain(rank: number, size: number, err: unknown): unknown {
  const f = rankFailureOf(rank, err);
  return f.lostRank !== null && f.lostRank !== rank ? dapFailure('tabs', size, [f]) : err;
}

/** The coordinating tab: waits for the invited tabs, sends them the job, folds its share. */
export async function foldOverTabs(
  job: FoldJob,
  size: number,
  fold: RankFold,
  onProgress: (p: FoldProgressEvent) => void = () => {},
  env: TabEnvironment = browserTabEnvironment(),
): Promise<FoldResult> {
  if (!job.id) throw new Error('a fold over several tabs needs the job id (it names the tab group)');
  const joining: DapStatus = { transport: 'tabs', size, phase: 'joining' };
  const start = { recycle: 0, numRecycles: job.settings.recycles, elapsedMs: 0, fraction: 0 };
  onProgress({ stage: 'joining', ...start, dap: joining });
  const coll = await join(env, job.id, size, false);
  const dap: DapStatus = { transport: 'tabs', size, rank: coll.rank, phase: 'folding' };
  try {
    await shareJob(coll, job);
    onProgress({ stage: 'params', ...start, dap });
    const result = await fold(job, coll, (p) => onProgress({ ...p, dap }));
    leaveWhenAllDone(coll);
    return result;
  } catch (err) {
    coll.close();
    throw explain(coll.rank, size, err);
  }
}

/** A helping tab: joins the invitation's group, receives the job and folds its share. */
export async function helpOverTabs(
  invite: TabInvite,
  fold: RankFold,
  onEvent: (e: HelperEvent) => void = () => {},
  env: TabEnvironment = browserTabEnvironment(),
): Promise<HelperResult> {
  onEvent({ phase: 'joining', size: invite.size });
  const coll = await join(env, invite.job, invite.size, true);
  const t0 = performance.now();
  try {
    const job = await shareJob(coll, null);
    if (job.id !== invite.job)
      throw new Error(`the group of job ${invite.job} was sent job ${job.id ?? '(no id)'}`);
    const who = { jobName: job.name ?? invite.job, rank: coll.rank, size: coll.size };
    onEvent({ phase: 'folding', ...who });
    await fold(job, coll, (progress) => onEvent({ phase: 'folding', ...who, progress }));
    leaveWhenAllDone(coll);
    onEvent({ phase: 'done', ...who });
    return { ...who, ms: performance.now() - t0 };
  } catch (err) {
    coll.close();
    throw explain(coll.rank, invite.size, err);
  }
}
