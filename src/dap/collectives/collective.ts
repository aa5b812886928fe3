/**
 * One collective-communication interface for the P ranks of a DAP fold, whatever carries the
 * bytes (transports: in-process devices, dedicated workers over SharedArrayBuffer, browser tabs
 * over BroadcastChannel). Collectives exchange plain bytes; the GPU side (readback, upload) is in
 * gpu-exchange.ts.
 *
 * Rules (as in MPI/NCCL): every rank calls the same collectives in the same order (SPMD); each
 * call is numbered, and the number tags its messages, so overlapped collectives never mix.
 * Overlap: `xStart(...)` sends at once and returns a handle; `await h.wait()` only where the
 * result is needed (FastFold's "duality async" pairs); independent work goes in between.
 * Faults: every wait is bounded (`timeoutMs`); a rank that disappears (its worker exits, its tab
 * closes, its device is lost) or stays silent past the timeout fails every pending and later
 * collective with a CollectiveError naming that rank, never a hang.
 */

/** An exchange in flight. */
export interface Pending<T> {
  /** Resolves with the result, or rejects with a CollectiveError (rank lost, timeout, closed). */
  wait(): Promise<T>;
}

export interface Collective {
  /** This rank, 0 ≤ rank < size. */
  readonly rank: number;
  /** P */
  readonly size: number;
  /**
   * All-to-all: `blocks[k]` goes to rank k (blocks[rank] stays here); resolves with `recv[k]` =
   * the block rank k addressed to this rank. Blocks may differ in size.
   */
  allToAllStart(blocks: Uint8Array[]): Pending<Uint8Array[]>;
  /** All-gather: resolves with every rank's `shard`, by rank (this rank's own included). */
  allGatherStart(shard: Uint8Array): Pending<Uint8Array[]>;
  /** Broadcast from `root`: the root passes the data, the others pass null. */
  broadcastStart(data: Uint8Array | null, root: number): Pending<Uint8Array>;
  allToAll(blocks: Uint8Array[]): Promise<Uint8Array[]>;
  allGather(shard: Uint8Array): Promise<Uint8Array[]>;
  broadcast(data: Uint8Array | null, root: number): Promise<Uint8Array>;
  /** Resolves when every rank has reached the barrier. */
  barrier(): Promise<void>;
  /** Leaves the group: later calls here fail; the other ranks see this rank as gone. */
  close(): void;
}

/** Why a collective failed; `rank` is the rank at fault when one is known. */
export class CollectiveError extends Error {
  override readonly name = 'CollectiveError';
  constructor(
    message: string,
    readonly rank: number | null,
    readonly reason: 'lost' | 'timeout' | 'closed' | 'usage',
  ) {
    super(message);
  }
}

/** Default bound on every wait: a peer silent this long is treated as lost. */
export const DEFAULT_TIMEOUT_MS = 30_000;
