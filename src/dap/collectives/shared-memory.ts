/**
 * Transport (2): the ranks are dedicated workers of one page (or worker_threads of one Node
 * process) sharing one SharedArrayBuffer (the page must be cross-origin isolated). The buffer
 * holds a control block and one single-producer single-consumer byte ring per ordered pair of
 * ranks; a message is a frame [tag length u32, data length u32, tag UTF-8, data] streamed through
 * the ring, so messages larger than the ring pass in pieces. Waiting uses Atomics.waitAsync
 * (never blocking a worker's event loop), in slices of `SLICE_MS` so a status change is seen
 * even without a notify.
 *
 * Layout (Int32 words, then bytes):
 *   control  [0] P, [1] ring bytes, [2 + r] status of rank r (0 joining, 1 alive, 2 gone),
 *            [2 + P + r] 1 + the rank whose loss made rank r stop (0: none), so that every rank
 *            names the rank that failed first, not one that stopped because of it
 *   rings    for each (from, to), from ≠ to, in order: [write count, read count] (unsigned,
 *            wrapping) padded to 16 bytes, then `ring` data bytes (a power of two)
 * Whoever sees a rank die (the page or Node host: worker 'error'/'exit', terminate()) calls
 * `markGone(sab, rank)`; a rank leaving by close() marks itself.
 */
import { CollectiveError } from './collective.ts';
import { PeerCollective, type PeerCollectiveOptions } from './peer-collective.ts';
import { Mailbox, type Transport } from './transport.ts';

const ALIVE = 1;
const GONE = 2;
const SLICE_MS = 200;
const HEADER = 16;

type WaitAsync = (
  ta: Int32Array,
  index: number,
  value: number,
  timeout?: number,
) => { async: boolean; value: Promise<string> | string };

function waitAsyncOf(): WaitAsync | undefined {
  return (Atomics as unknown as { waitAsync?: WaitAsync }).waitAsync;
}

/** Resolves when ta[index] may have changed from `value`, or after `ms`. */
async function waitChange(ta: Int32Array, index: number, value: number, ms: number): Promise<void> {
  const wa = waitAsyncOf();
  if (wa) {
    const r = wa(ta, index, value, ms);
    if (r.async) await r.value;
    return;
  }
  // No Atomics.waitAsync (older Firefox): poll.
  await new Promise((res) => setTimeout(res, Math.min(ms, 4)));
}

function controlWords(P: number): number {
  return Math.ceil(((2 + 2 * P) * 4) / HEADER) * (HEADER / 4);
}

function ringIndex(P: number, from: number, to: number): number {
  return from * (P - 1) + (to < from ? to : to - 1);
}

/** Allocates the shared memory of a group of P ranks with rings of `ringBytes` (a power of two). */
export function createSharedGroupMemory(P: number, ringBytes = 1 << 20): SharedArrayBuffer {
  if (!Number.isInteger(P) || P < 1)
    throw new RangeError(`DAP: group size must be an integer ≥ 1 (got ${P})`);
  if (ringBytes < 64 || (ringBytes & (ringBytes - 1)) !== 0 || ringBytes > 2 ** 30) {
    throw new RangeError(`DAP: ring bytes must be a power of two in [64, 2^30] (got ${ringBytes})`);
  }
  if (typeof SharedArrayBuffer === 'undefined') {
    throw new Error(
      'DAP workers need SharedArrayBuffer: serve the page cross-origin isolated ' +
        '(Cross-Origin-Opener-Policy: same-origin, Cross-Origin-Embedder-Policy: require-corp)',
    );
  }
  const rings = P * (P - 1);
  const sab = new SharedArrayBuffer(controlWords(P) * 4 + rings * (HEADER + ringBytes));
  const ctl = new Int32Array(sab, 0, 2 + 2 * P);
  ctl[0] = P;
  ctl[1] = ringBytes;
  return sab;
}

/** Marks rank `rank` gone (its worker exited or was terminated) and wakes every waiter. */
export function markGone(sab: SharedArrayBuffer, rank: number): void {
  const P = new Int32Array(sab, 0, 2)[0];
  const ctl = new Int32Array(sab, 0, 2 + P);
  Atomics.store(ctl, 2 + rank, GONE);
  Atomics.notify(ctl, 2 + rank);
  const ring = ctl[1];
  const base = controlWords(P) * 4;
  for (let i = 0; i < P * (P - 1); i++) {
    const h = new Int32Array(sab, base + i * (HEADER + ring), 2);
    Atomics.notify(h, 0);
    Atomics.notify(h, 1);
  }
}

/** Status of every rank: 'joining' | 'alive' | 'gone'. */
export function rankStatus(sab: SharedArrayBuffer): ('joining' | 'alive' | 'gone')[] {
  const P = new Int32Array(sab, 0, 2)[0];
  const ctl = new Int32Array(sab, 0, 2 + P);
  return Array.from({ length: P }, (_, r) => {
    const s = Atomics.load(ctl, 2 + r);
    return s === GONE ? 'gone' : s === ALIVE ? 'alive' : 'joining';
  });
}

class Ring {
  readonly head: Int32Array;
  readonly data: Uint8Array;
  constructor(
    sab: SharedArrayBuffer,
    offset: number,
    readonly size: number,
  ) {
    this.head = new Int32Array(sab, offset, 2);
    this.data = new Uint8Array(sab, offset + HEADER, size);
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class SharedMemoryTransport implements Transport {
  readonly size: number;
  private readonly ctl: Int32Array;
  private readonly out: (Ring | null)[] = [];
  private readonly inn: (Ring | null)[] = [];
  private readonly sendChain: Promise<void>[] = [];
  private readonly box: Mailbox;
  private closed = false;
  /** Node does not count pending Atomics.waitAsync as work: a timer keeps the worker alive until close(). */
  private readonly keepAlive = setInterval(() => undefined, 2 ** 30);

  constructor(
    sab: SharedArrayBuffer,
    readonly rank: number,
  ) {
    const P = new Int32Array(sab, 0, 2)[0];
    const ringBytes = new Int32Array(sab, 0, 2)[1];
    if (!Number.isInteger(rank) || rank < 0 || rank >= P) {
      throw new RangeError(`DAP: rank ${rank} is not in 0..${P - 1}`);
    }
    this.size = P;
    this.ctl = new Int32Array(sab, 0, 2 + 2 * P);
    this.box = new Mailbox(rank, P, 'worker');
    const base = controlWords(P) * 4;
    const ringAt = (from: number, to: number) =>
      new Ring(sab, base + ringIndex(P, from, to) * (HEADER + ringBytes), ringBytes);
    for (let k = 0; k < P; k++) {
      this.out.push(k === rank ? null : ringAt(rank, k));
      this.inn.push(k === rank ? null : ringAt(k, rank));
      this.sendChain.push(Promise.resolve());
    }
    Atomics.store(this.ctl, 2 + rank, ALIVE);
    for (let k = 0; k < P; k++) if (k !== rank) void this.pump(k);
  }

  private gone(k: number): boolean {
    return Atomics.load(this.ctl, 2 + k) === GONE;
  }

  /** The rank to blame for rank k being gone: k, or the rank whose loss made k stop. */
  private culprit(k: number): { rank: number; why: string } {
    const cause = Atomics.load(this.ctl, 2 + this.size + k) - 1;
    if (cause >= 0 && cause !== this.rank) {
      return { rank: cause, why: `is gone (rank ${k} stopped after losing it)` };
    }
    return { rank: k, why: 'is gone (its worker exited, crashed or closed)' };
  }

  private lostError(k: number): CollectiveError {
    const c = this.culprit(k);
    return new CollectiveError(`DAP rank ${this.rank}: rank ${c.rank} (worker) ${c.why}`, c.rank, 'lost');
  }

  /** Writes bytes into the ring to rank k, waiting for room. */
  private async write(k: number, ring: Ring, bytes: Uint8Array): Promise<void> {
    const { head, data, size } = ring;
    let at = 0;
    while (at < bytes.length) {
      if (this.closed)
        throw new CollectiveError(`DAP rank ${this.rank} has left the group`, this.rank, 'closed');
      if (this.gone(k)) throw this.lostError(k);
      const w = Atomics.load(head, 0);
      const r = Atomics.load(head, 1);
      const free = size - ((w - r) >>> 0);
      if (free === 0) {
        await waitChange(head, 1, r, SLICE_MS);
        continue;
      }
      const pos = (w >>> 0) & (size - 1);
      const n = Math.min(free, bytes.length - at, size - pos);
      data.set(bytes.subarray(at, at + n), pos);
      Atomics.store(head, 0, (w + n) | 0);
      Atomics.notify(head, 0);
      at += n;
    }
  }

  /** Reads exactly `into.length` bytes from the ring from rank k; false if k is gone first. */
  private async read(k: number, ring: Ring, into: Uint8Array): Promise<boolean> {
    const { head, data, size } = ring;
    let at = 0;
    while (at < into.length) {
      if (this.closed) return false;
      const w = Atomics.load(head, 0);
      const r = Atomics.load(head, 1);
      const avail = (w - r) >>> 0;
      if (avail === 0) {
        if (this.gone(k)) return false;
        await waitChange(head, 0, w, SLICE_MS);
        continue;
      }
      const pos = (r >>> 0) & (size - 1);
      const n = Math.min(avail, into.length - at, size - pos);
      into.set(data.subarray(pos, pos + n), at);
      Atomics.store(head, 1, (r + n) | 0);
      Atomics.notify(head, 1);
      at += n;
    }
    return true;
  }

  /** Receives frames from rank k into the mailbox until k is gone or this rank closes. */
  private async pump(k: number): Promise<void> {
    const ring = this.inn[k] as Ring;
    const hdr = new Uint8Array(8);
    const view = new DataView(hdr.buffer);
    for (;;) {
      if (!(await this.read(k, ring, hdr))) break;
      const tag = new Uint8Array(view.getUint32(0, true));
      const body = new Uint8Array(view.getUint32(4, true));
      if (!(await this.read(k, ring, tag)) || !(await this.read(k, ring, body))) break;
      this.box.deliver(k, decoder.decode(tag), body);
    }
    if (!this.closed) {
      const c = this.culprit(k);
      this.box.fail(c.rank, c.why);
    }
  }

  send(to: number, tag: string, data: Uint8Array): Promise<void> {
    const ring = this.out[to];
    if (!ring) return Promise.reject(new RangeError(`DAP: rank ${this.rank} cannot send to rank ${to}`));
    const t = encoder.encode(tag);
    const hdr = new Uint8Array(8);
    const view = new DataView(hdr.buffer);
    view.setUint32(0, t.length, true);
    view.setUint32(4, data.length, true);
    // One frame at a time per destination: concurrent collectives never interleave their bytes.
    const done = this.sendChain[to].then(async () => {
      await this.write(to, ring, hdr);
      await this.write(to, ring, t);
      await this.write(to, ring, data);
    });
    this.sendChain[to] = done.catch(() => undefined);
    return done;
  }

  recv(from: number, tag: string, timeoutMs: number): Promise<Uint8Array> {
    return this.box.recv(from, tag, timeoutMs);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.keepAlive);
    const lost = this.box.firstLost()?.rank;
    if (typeof lost === 'number') Atomics.store(this.ctl, 2 + this.size + this.rank, lost + 1);
    this.box.close(new CollectiveError(`DAP rank ${this.rank} has left the group`, this.rank, 'closed'));
    Atomics.store(this.ctl, 2 + this.rank, GONE);
    Atomics.notify(this.ctl, 2 + this.rank);
  }
}

/** The collective of rank `rank` in the worker group sharing `sab`. */
export function joinSharedMemoryGroup(
  sab: SharedArrayBuffer,
  rank: number,
  opts: PeerCollectiveOptions = {},
): PeerCollective {
  return new PeerCollective(new SharedMemoryTransport(sab, rank), opts);
}
