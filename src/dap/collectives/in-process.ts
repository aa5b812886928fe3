/**
 * Transport (1): the ranks are objects in one JavaScript realm (one Node process or one browser
 * worker), typically each with its own GPUDevice (several adapters, or several devices of one
 * adapter). Messages are copied (the sender may reuse its buffer) and delivered on a later
 * microtask, like any other transport. `lose(rank, why)` is how a rank disappears: its device
 * was lost (see watchDevice in gpu-exchange.ts) or its owner gave up.
 */
import { CollectiveError } from './collective.ts';
import { PeerCollective, type PeerCollectiveOptions } from './peer-collective.ts';
import { Mailbox, type Transport } from './transport.ts';

export interface InProcessGroup {
  /** One collective per rank, by rank. */
  ranks: PeerCollective[];
  /** Rank `rank` is gone: every other rank's pending and later collectives fail naming it. */
  lose(rank: number, why: string): void;
}

class InProcessTransport implements Transport {
  constructor(
    readonly rank: number,
    readonly size: number,
    private readonly boxes: Mailbox[],
    private readonly gone: Set<number>,
    private readonly lose: (rank: number, why: string) => void,
  ) {}

  send(to: number, tag: string, data: Uint8Array): Promise<void> {
    if (this.gone.has(this.rank)) {
      return Promise.reject(
        new CollectiveError(`DAP rank ${this.rank} has left the group`, this.rank, 'closed'),
      );
    }
    if (this.gone.has(to)) {
      return Promise.reject(
        new CollectiveError(`DAP rank ${this.rank}: rank ${to} (in-process) is gone`, to, 'lost'),
      );
    }
    const copy = data.slice();
    queueMicrotask(() => {
      if (!this.gone.has(to) && !this.gone.has(this.rank)) this.boxes[to].deliver(this.rank, tag, copy);
    });
    return Promise.resolve();
  }

  recv(from: number, tag: string, timeoutMs: number): Promise<Uint8Array> {
    return this.boxes[this.rank].recv(from, tag, timeoutMs);
  }

  close(): void {
    this.lose(this.rank, 'left the group (close())');
  }
}

export function createInProcessGroup(P: number, opts: PeerCollectiveOptions = {}): InProcessGroup {
  if (!Number.isInteger(P) || P < 1)
    throw new RangeError(`DAP: group size must be an integer ≥ 1 (got ${P})`);
  const boxes = Array.from({ length: P }, (_, r) => new Mailbox(r, P, 'in-process'));
  const gone = new Set<number>();
  const lose = (rank: number, why: string) => {
    if (gone.has(rank)) return;
    gone.add(rank);
    boxes[rank].close(new CollectiveError(`DAP rank ${rank} has left the group`, rank, 'closed'));
    for (const b of boxes) if (b.rank !== rank) b.fail(rank, why);
  };
  const ranks = boxes.map(
    (_, r) => new PeerCollective(new InProcessTransport(r, P, boxes, gone, lose), opts),
  );
  return { ranks, lose };
}
