/**
 * Point-to-point messaging between the ranks of a group, the one thing each transport provides.
 * Messages from one rank to another arrive in order; `tag` names a message (collective number and
 * part), so a receive waits for exactly that message. The receiving side is a Mailbox.
 */
import { CollectiveError } from './collective.ts';

export interface Transport {
  readonly rank: number;
  readonly size: number;
  /** Sends `data` to rank `to`; resolves when the transport has taken it (the buffer may be reused). */
  send(to: number, tag: string, data: Uint8Array): Promise<void>;
  /** The message `tag` from rank `from`, within `timeoutMs`; rejects naming `from` if it is lost. */
  recv(from: number, tag: string, timeoutMs: number): Promise<Uint8Array>;
  /** Leaves the group (peers see this rank as lost). */
  close(): void;
}

interface Waiter {
  resolve: (d: Uint8Array) => void;
  reject: (e: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * Received messages by (from, tag), and receivers waiting for them. `fail(rank)` rejects every
 * receive from that rank, now and later; `failAll` closes the mailbox.
 */
export class Mailbox {
  private readonly messages = new Map<string, Uint8Array>();
  private readonly waiters = new Map<string, Waiter>();
  private readonly lost = new Map<number, CollectiveError>();
  private closed: CollectiveError | null = null;

  constructor(
    readonly rank: number,
    readonly size: number,
    /** Describes the transport in error messages, e.g. `worker`, `tab`. */
    private readonly what: string,
  ) {}

  deliver(from: number, tag: string, data: Uint8Array): void {
    const key = `${from}|${tag}`;
    const w = this.waiters.get(key);
    if (w) {
      this.waiters.delete(key);
      clearTimeout(w.timer);
      w.resolve(data);
    } else {
      if (this.messages.has(key))
        throw new Error(`DAP: rank ${this.rank} got message ${tag} from ${from} twice`);
      this.messages.set(key, data);
    }
  }

  recv(from: number, tag: string, timeoutMs: number): Promise<Uint8Array> {
    if (this.closed) return Promise.reject(this.closed);
    const key = `${from}|${tag}`;
    const m = this.messages.get(key);
    if (m) {
      this.messages.delete(key);
      return Promise.resolve(m);
    }
    const lost = this.lost.get(from);
    if (lost) return Promise.reject(lost);
    if (this.waiters.has(key)) return Promise.reject(new Error(`DAP: two receives of ${tag} from ${from}`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(key);
        reject(
          new CollectiveError(
            `DAP rank ${this.rank}: rank ${from} (${this.what}) sent nothing for ${timeoutMs} ms ` +
              `(waiting for ${tag}); it is treated as lost`,
            from,
            'timeout',
          ),
        );
      }, timeoutMs);
      this.waiters.set(key, { resolve, reject, timer });
    });
  }

  /**
   * Rank `from` is gone. The fold cannot go on without it, so every pending and later receive —
   * from any rank — fails with an error naming `from` (a rank waiting on a third rank that was
   * itself waiting on `from` would otherwise only find out by timeout).
   */
  fail(from: number, why: string): void {
    if (this.lost.has(from) || this.closed) return;
    const err = new CollectiveError(
      `DAP rank ${this.rank}: rank ${from} (${this.what}) ${why}`,
      from,
      'lost',
    );
    this.lost.set(from, err);
    this.close(err);
  }

  /** The first lost rank, if any. */
  firstLost(): CollectiveError | undefined {
    return this.lost.values().next().value;
  }

  close(err: CollectiveError): void {
    this.closed ??= err;
    for (const w of this.waiters.values()) {
      clearTimeout(w.timer);
      w.reject(this.closed);
    }
    this.waiters.clear();
    this.messages.clear();
  }
}
