/**
 * Messages between the fold worker (host of a fold split over dedicated workers) and each rank's
 * worker (./dap-rank.worker.ts). The job itself travels in the group's join message.
 */
import type { RankFailure } from './dap-failure.ts';
import type { FoldJob, FoldProgressEvent, FoldResult } from './fold-api.ts';

/** What every rank gets with the group's shared memory (`DapJoinMessage.payload`). */
export interface RankPayload {
  job: FoldJob;
}

export type RankMessage =
  /** rank 0 only: its fold's progress */
  | { type: 'progress'; event: FoldProgressEvent }
  /** rank 0: the job's result */
  | { type: 'result'; result: FoldResult }
  /** ranks ≠ 0: their share is done */
  | { type: 'done'; rank: number }
  | ({ type: 'failed' } & RankFailure);
