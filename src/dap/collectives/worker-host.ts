/**
 * The page side of transport (2) in a browser: starts P dedicated module workers as DAP ranks
 * sharing one SharedArrayBuffer, and marks a rank gone when its worker fails ('error': an
 * uncaught exception or a failed load) or is terminated here, so the other ranks stop with a
 * message naming it. The worker side is `joinFromHost` (same core: shared-memory.ts).
 */
import type { PeerCollectiveOptions } from './peer-collective.ts';
import { createSharedGroupMemory, joinSharedMemoryGroup, markGone } from './shared-memory.ts';

/** What the page posts to each rank's worker. */
export interface DapJoinMessage {
  type: 'dap-join';
  sab: SharedArrayBuffer;
  rank: number;
  /** Anything the rank needs besides the group (job settings, plan…). */
  payload: unknown;
}

export interface WorkerRanks {
  sab: SharedArrayBuffer;
  workers: Worker[];
  /** Ends rank `rank`'s worker; the other ranks see it as gone. */
  terminate(rank: number): void;
  /** Ends every worker. */
  terminateAll(): void;
}

export function startWorkerRanks(
  P: number,
  makeWorker: (rank: number) => Worker,
  payload: (rank: number) => unknown = () => null,
  ringBytes = 1 << 20,
  onGone: (rank: number, why: string) => void = () => undefined,
): WorkerRanks {
  const sab = createSharedGroupMemory(P, ringBytes);
  const gone = new Set<number>();
  const lose = (rank: number, why: string) => {
    if (gone.has(rank)) return;
    gone.add(rank);
    markGone(sab, rank);
    onGone(rank, why);
  };
  const workers = Array.from({ length: P }, (_, rank) => {
    const w = makeWorker(rank);
    w.addEventListener('error', (ev) =>
      lose(rank, `worker error: ${(ev as ErrorEvent).message ?? 'failed'}`),
    );
    w.postMessage({ type: 'dap-join', sab, rank, payload: payload(rank) } satisfies DapJoinMessage);
    return w;
  });
  const terminate = (rank: number) => {
    workers[rank].terminate();
    lose(rank, 'terminated');
  };
  return {
    sab,
    workers,
    terminate,
    terminateAll: () => {
      for (let r = 0; r < P; r++) terminate(r);
    },
  };
}

/** In a rank's worker: waits for the page's join message and joins the group. */
export function joinFromHost(
  scope: { addEventListener(type: 'message', l: (ev: MessageEvent) => void): void },
  opts: PeerCollectiveOptions = {},
) {
  return new Promise<{ coll: ReturnType<typeof joinSharedMemoryGroup>; payload: unknown }>((resolve) => {
    scope.addEventListener('message', (ev: MessageEvent) => {
      const m = ev.data as DapJoinMessage;
      if (m?.type !== 'dap-join') return;
      resolve({ coll: joinSharedMemoryGroup(m.sab, m.rank, opts), payload: m.payload });
    });
  });
}
