/**
 * Dynamic Axial Parallelism (FastFold's DAP) for webfold: P ranks — GPU devices in one process,
 * dedicated workers of a page, or tabs of one origin — each hold 1/P of the MSA and pair
 * activations and exchange them between the row- and column-oriented steps of every block.
 *
 *   axis-split.ts   padding of N_res / N_seq to multiples of P, per-rank slices
 *   partition.ts    which axis of m and z each rank owns in each step, and the collectives
 *                   between steps with bytes per block (types.ts: the plan as data)
 *   schedule.ts     one block as compute sub-steps with each exchange's start and wait points
 *   collectives/    one Collective interface (all-to-all, all-gather, broadcast, barrier;
 *                   start/wait handles) over a point-to-point Transport:
 *                     in-process.ts     ranks in one realm (one GPUDevice each; gpu-exchange.ts
 *                                       moves GPU buffers through readback and writeBuffer;
 *                                       gpu-reshard.ts does the partition's re-splits of m and
 *                                       z in place, the column split kept as rows of zᵀ)
 *                     shared-memory.ts  workers sharing a SharedArrayBuffer (worker-host.ts
 *                                       starts them in a page; Node worker_threads in tests)
 *                     tabs.ts           tabs joined by BroadcastChannel, coordinated and
 *                                       watched with Web Locks
 * The planner (src/engine/plan, `devices`) uses the partition for per-rank memory and bytes.
 */
export { type AxisSlice, type AxisSplit, ownerOf, splitAxis, validCount } from './axis-split.ts';
export {
  type Collective,
  CollectiveError,
  DEFAULT_TIMEOUT_MS,
  type Pending,
} from './collectives/collective.ts';
export {
  allGatherBufferStart,
  allToAllBufferStart,
  ReadbackStaging,
  watchDevice,
} from './collectives/gpu-exchange.ts';
export {
  type MsaShard,
  type PairShard,
  reshardMsaStart,
  transposeExchangeStart,
} from './collectives/gpu-reshard.ts';
export { createInProcessGroup, type InProcessGroup } from './collectives/in-process.ts';
export { PeerCollective } from './collectives/peer-collective.ts';
export { packBlocks, shardOf, transposeBlock, unpackBlocks } from './collectives/reshard.ts';
export {
  createSharedGroupMemory,
  joinSharedMemoryGroup,
  markGone,
  rankStatus,
} from './collectives/shared-memory.ts';
export {
  browserTabEnvironment,
  joinTabGroup,
  type TabEnvironment,
  tabJobFromLink,
  tabJobLink,
} from './collectives/tabs.ts';
export { joinFromHost, startWorkerRanks, type WorkerRanks } from './collectives/worker-host.ts';
export { allGatherBytes, allToAllBytes, type DapStack, partitionBlock, splitsAt } from './partition.ts';
export { blockSchedule, type ScheduleEvent } from './schedule.ts';
export type * from './types.ts';
