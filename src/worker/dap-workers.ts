/**
 * A fold split over P dedicated workers of this tab (DAP transport 2), run from the fold worker:
 * P rank workers (./dap-rank.worker.ts) share one SharedArrayBuffer; each folds the same job on
 * its own GPUDevice with its collective. Rank 0's progress drives the job's; its prediction is the
 * job's result once every rank has finished its share. Any rank that fails — its own error, an
 * uncaught exception or a failed load — fails the job with a message naming that rank; every rank
 * worker is terminated at the end either way (and with the fold worker, on cancel).
 */
import { startWorkerRanks } from '../dap/collectives/worker-host.ts';
import type { DapStatus } from './dap-api.ts';
import { dapFailure, type RankFailure } from './dap-failure.ts';
import type { RankMessage, RankPayload } from './dap-rank-messages.ts';
import type { FoldJob, FoldProgressEvent, FoldResult } from './fold-api.ts';

/**
 * How long the first failure waits for the other ranks' reports, so the job names the rank that
 * failed first rather than one that stopped because of it (a report, not a deadline).
 */
const GATHER_MS = 300;

export function startRankWorker(rank: number): Worker {
  return new Worker(new URL('./dap-rank.worker.ts', import.meta.url), {
    type: 'module',
    name: `webfold-dap-rank-${rank}`,
  });
}

export function foldOnWorkerRanks(
  job: FoldJob,
  size: number,
  onProgress: (p: FoldProgressEvent) => void = () => {},
  makeWorker: (rank: number) => Worker = startRankWorker,
): Promise<FoldResult> {
  const dap: DapStatus = { transport: 'workers', size, rank: 0, phase: 'folding' };
  return new Promise<FoldResult>((resolve, reject) => {
    let settled = false;
    let result: FoldResult | undefined;
    const done = new Set<number>();
    const reports: RankFailure[] = [];
    let gather: ReturnType<typeof setTimeout> | undefined;

    const end = () => {
      settled = true;
      clearTimeout(gather);
      ranks.terminateAll();
    };
    const fail = (f: RankFailure) => {
      if (settled) return;
      reports.push(f);
      gather ??= setTimeout(() => {
        end();
        reject(dapFailure('workers', size, reports));
      }, GATHER_MS);
    };
    const finishIfDone = () => {
      if (settled || gather || !result || done.size < size) return;
      end();
      resolve(result);
    };
    const ranks = startWorkerRanks(
      size,
      makeWorker,
      (): RankPayload => ({ job }),
      undefined,
      (rank, why) => fail({ rank, message: `its worker stopped (${why})`, lostRank: null }),
    );
    ranks.workers.forEach((w, rank) => {
      w.addEventListener('message', (ev: MessageEvent<RankMessage>) => {
        const m = ev.data;
        if (settled) return;
        if (m.type === 'progress') onProgress({ ...m.event, dap });
        else if (m.type === 'failed') fail(m);
        else {
          if (m.type === 'result') result = m.result;
          done.add(rank);
          finishIfDone();
        }
      });
      // startWorkerRanks reports it; it must not also reach this worker as an uncaught error
      w.addEventListener('error', (ev) => ev.preventDefault());
      w.addEventListener('messageerror', () =>
        fail({ rank, message: 'its message could not be read', lostRank: null }),
      );
    });
  });
}
