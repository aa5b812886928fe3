/**
 * For Node tests of the tab transport only: tabs (`fixtureTab`, with Node's BroadcastChannel)
 * and Web Locks (exclusive mode, ifAvailable, signal) as the browser provides them to the tabs of
 * one origin, with tabs as clients. `closeClient` is what the browser does when a tab goes away:
 * its held locks are released and its queued requests dropped. Node has no navigator.locks
 * before v24.
 */
import type { LockManagerLike, TabEnvironment } from './tabs.ts';

interface Request {
  client: string;
  name: string;
  grant: () => void;
}

export class LockRegistry {
  private readonly held = new Map<string, { client: string; release: () => void }>();
  private readonly queues = new Map<string, Request[]>();

  client(id: string): LockManagerLike {
    return {
      request: (name, options, callback) => this.request(id, name, options, callback),
    };
  }

  /** The tab `id` is gone: its locks are released, its waiting requests dropped. */
  closeClient(id: string): void {
    for (const [name, q] of this.queues)
      this.queues.set(
        name,
        q.filter((r) => r.client !== id),
      );
    for (const [name, h] of [...this.held]) if (h.client === id) this.releaseLock(name);
  }

  private releaseLock(name: string): void {
    this.held.delete(name);
    const next = this.queues.get(name)?.shift();
    if (next) next.grant();
  }

  private request(
    client: string,
    name: string,
    options: { ifAvailable?: boolean; signal?: AbortSignal },
    callback: (lock: unknown) => Promise<unknown> | unknown,
  ): Promise<unknown> {
    const free = !this.held.has(name) && (this.queues.get(name)?.length ?? 0) === 0;
    if (!free && options.ifAvailable) return Promise.resolve().then(() => callback(null));
    return new Promise((resolve, reject) => {
      const run = () => {
        let released = false;
        const release = () => {
          if (released) return;
          released = true;
          if (this.held.get(name)?.client === client) this.releaseLock(name);
        };
        this.held.set(name, { client, release });
        Promise.resolve()
          .then(() => callback({ name, mode: 'exclusive' }))
          .then(
            (v) => {
              release();
              resolve(v);
            },
            (e) => {
              release();
              reject(e);
            },
          );
      };
      if (free) {
        run();
        return;
      }
      const req: Request = { client, name, grant: run };
      const q = this.queues.get(name) ?? [];
      q.push(req);
      this.queues.set(name, q);
      options.signal?.addEventListener('abort', () => {
        const list = this.queues.get(name) ?? [];
        const i = list.indexOf(req);
        if (i >= 0) {
          list.splice(i, 1);
          reject(new DOMException('lock request aborted', 'AbortError'));
        }
      });
    });
  }
}

/** A test tab opened by `fixtureTab`, until `closeFixtureTabs`. */
const openTabs: { close(): void }[] = [];

/** A tab with these locks and Node's BroadcastChannel: closing it does what a browser does (its
 * channels close and its locks are released), without telling the transport. */
export function fixtureTab(registry: LockRegistry, id: string): { env: TabEnvironment; close(): void } {
  const channels: BroadcastChannel[] = [];
  const t = {
    env: {
      locks: registry.client(id),
      openChannel: (n: string) => {
        const c = new BroadcastChannel(n);
        channels.push(c);
        return c;
      },
    },
    close: () => {
      for (const c of channels) c.close();
      registry.closeClient(id);
    },
  };
  openTabs.push(t);
  return t;
}

/** Closes every tab `fixtureTab` opened (for afterEach). */
export function closeFixtureTabs(): void {
  for (const t of openTabs.splice(0)) t.close();
}
