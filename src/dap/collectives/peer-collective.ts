/**
 * The collectives over any point-to-point Transport: each rank sends its pieces straight to
 * every peer (P is small: devices, workers or tabs of one machine) and receives theirs. A
 * collective's number tags its messages, so several may be in flight at once (overlap).
 */
import { type Collective, CollectiveError, DEFAULT_TIMEOUT_MS, type Pending } from './collective.ts';
import type { Transport } from './transport.ts';

function pending<T>(p: Promise<T>): Pending<T> {
  // A handle that is never waited for must not raise an unhandled rejection.
  p.catch(() => undefined);
  return { wait: () => p };
}

export interface PeerCollectiveOptions {
  /** Bound on every wait for a peer's message (default 30 s). */
  timeoutMs?: number;
}

export class PeerCollective implements Collective {
  readonly rank: number;
  readonly size: number;
  private op = 0;
  private closed = false;
  private readonly timeoutMs: number;

  constructor(
    private readonly transport: Transport,
    opts: PeerCollectiveOptions = {},
  ) {
    this.rank = transport.rank;
    this.size = transport.size;
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  private next(kind: string): string {
    if (this.closed)
      throw new CollectiveError(`DAP rank ${this.rank}: ${kind} after close()`, this.rank, 'closed');
    return `${++this.op}:${kind}`;
  }

  private exchange(tag: string, out: (k: number) => Uint8Array | null, from: (k: number) => boolean) {
    const sends: Promise<void>[] = [];
    const recvs: Promise<Uint8Array | null>[] = [];
    for (let k = 0; k < this.size; k++) {
      if (k === this.rank) {
        recvs.push(Promise.resolve(null));
        continue;
      }
      const data = out(k);
      if (data) sends.push(this.transport.send(k, tag, data));
      recvs.push(from(k) ? this.transport.recv(k, tag, this.timeoutMs) : Promise.resolve(null));
    }
    return Promise.all([Promise.all(recvs), Promise.all(sends)]).then(([r]) => r);
  }

  allToAllStart(blocks: Uint8Array[]): Pending<Uint8Array[]> {
    if (blocks.length !== this.size) {
      throw new CollectiveError(
        `DAP rank ${this.rank}: allToAll needs ${this.size} blocks (one per rank), got ${blocks.length}`,
        null,
        'usage',
      );
    }
    const tag = this.next('all_to_all');
    const own = blocks[this.rank];
    return pending(
      this.exchange(
        tag,
        (k) => blocks[k],
        () => true,
      ).then((r) => r.map((b, k) => (k === this.rank ? own : (b as Uint8Array)))),
    );
  }

  allGatherStart(shard: Uint8Array): Pending<Uint8Array[]> {
    const tag = this.next('all_gather');
    return pending(
      this.exchange(
        tag,
        () => shard,
        () => true,
      ).then((r) => r.map((b, k) => (k === this.rank ? shard : (b as Uint8Array)))),
    );
  }

  broadcastStart(data: Uint8Array | null, root: number): Pending<Uint8Array> {
    if (!Number.isInteger(root) || root < 0 || root >= this.size) {
      throw new CollectiveError(
        `DAP: broadcast root ${root} is not a rank of 0..${this.size - 1}`,
        null,
        'usage',
      );
    }
    if ((this.rank === root) !== (data !== null)) {
      throw new CollectiveError(
        `DAP rank ${this.rank}: broadcast from ${root} needs data on the root and null elsewhere`,
        null,
        'usage',
      );
    }
    const tag = this.next('broadcast');
    if (this.rank === root) {
      const d = data as Uint8Array;
      return pending(
        this.exchange(
          tag,
          () => d,
          () => false,
        ).then(() => d),
      );
    }
    return pending(
      this.exchange(
        tag,
        () => null,
        (k) => k === root,
      ).then((r) => r[root] as Uint8Array),
    );
  }

  allToAll(blocks: Uint8Array[]): Promise<Uint8Array[]> {
    return this.allToAllStart(blocks).wait();
  }

  allGather(shard: Uint8Array): Promise<Uint8Array[]> {
    return this.allGatherStart(shard).wait();
  }

  broadcast(data: Uint8Array | null, root: number): Promise<Uint8Array> {
    return this.broadcastStart(data, root).wait();
  }

  async barrier(): Promise<void> {
    await this.allGatherStart(new Uint8Array(0)).wait();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.transport.close();
  }
}
