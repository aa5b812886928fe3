/**
 * Transport (3): the ranks are browser tabs of the same origin. A tab opens the job's link (or
 * presses "invite another tab" → the link), and the tabs find each other on a BroadcastChannel.
 *
 * - Coordinator: the tab that gets the Web Lock `webfold-dap:<job>:coordinator` (ifAvailable);
 *   it is rank 0, collects the other tabs' `hello`s and, once `size` tabs are present, posts the
 *   roster (tab ids in rank order). A tab joining later than that gets nothing and times out.
 * - Messages: each tab listens on its own inbox channel `webfold-dap:<job>:to:<tab>`, so data
 *   is cloned once, to the addressee only.
 * - Liveness: each tab holds the lock `webfold-dap:<job>:alive:<tab>` for its lifetime; every
 *   other member queues a request for it, which the browser grants exactly when that tab is gone
 *   (closed, crashed, navigated away): the waiting ranks then fail naming the lost rank, within
 *   moments, not after a timeout. Silence (a frozen tab) is caught by the timeout of every wait.
 * - A tab that leaves says so (`bye`, with the rank whose loss made it stop), so every rank names
 *   the rank that failed first; the `bye` goes through each peer's inbox, after this tab's data,
 *   so it never overtakes the last messages of a collective.
 */
import { CollectiveError, DEFAULT_TIMEOUT_MS } from './collective.ts';
import { PeerCollective, type PeerCollectiveOptions } from './peer-collective.ts';
import { Mailbox, type Transport } from './transport.ts';

/** The part of the Web Locks API (navigator.locks) used here. */
export interface LockManagerLike {
  request(
    name: string,
    options: { ifAvailable?: boolean; signal?: AbortSignal },
    callback: (lock: unknown) => Promise<unknown> | unknown,
  ): Promise<unknown>;
}

/** What a tab has: Web Locks and BroadcastChannels (the browser's, or test stand-ins for Node). */
export interface TabEnvironment {
  locks: LockManagerLike;
  openChannel(name: string): BroadcastChannel;
}

export function browserTabEnvironment(): TabEnvironment {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (!locks) throw new Error('DAP tabs need the Web Locks API (navigator.locks), missing in this browser');
  return { locks, openChannel: (name) => new BroadcastChannel(name) };
}

/** The invitation link of a tab job: the page's URL with `#dap=<job>&ranks=<P>`. */
export function tabJobLink(pageUrl: string, job: string, size: number): string {
  checkJob(job, size);
  const u = new URL(pageUrl);
  u.hash = `dap=${encodeURIComponent(job)}&ranks=${size}`;
  return u.href;
}

/** The job a link invites to, or null when the link has none; a malformed one is an error. */
export function tabJobFromLink(url: string): { job: string; size: number } | null {
  const params = new URLSearchParams(new URL(url).hash.replace(/^#/, ''));
  const job = params.get('dap');
  if (job === null) return null;
  const size = Number(params.get('ranks'));
  checkJob(job, size);
  return { job, size };
}

function checkJob(job: string, size: number): void {
  if (!/^[\w-]{1,64}$/.test(job))
    throw new RangeError(`DAP: job id "${job}" must be 1–64 letters, digits, - or _`);
  if (!Number.isInteger(size) || size < 1)
    throw new RangeError(`DAP: ranks must be an integer ≥ 1 (got ${size})`);
}

export interface JoinTabsOptions extends PeerCollectiveOptions {
  /** Job id shared by the tabs (from the invitation link). Letters, digits, - and _. */
  job: string;
  /** P: the fold starts when this many tabs are present. */
  size: number;
  /** How long to wait for the group to form (default 120 s). */
  joinTimeoutMs?: number;
  /** This tab's id (default: random). */
  tabId?: string;
}

type Control = { type: 'hello'; tab: string } | { type: 'who' } | { type: 'roster'; tabs: string[] };

/**
 * What arrives in a tab's inbox: data, or a peer's `bye` (sent through the same channel as its
 * data, so it never overtakes the peer's last messages).
 */
type InboxMessage =
  | { from: number; tag: string; data: Uint8Array }
  | { from: number; bye: true; cause: number | null };

const name = (job: string, part: string) => `webfold-dap:${job}:${part}`;

/** How long a lost tab's `bye` may trail the release of its alive lock. */
const BYE_GRACE_MS = 250;

class TabTransport implements Transport {
  readonly size: number;
  private readonly box: Mailbox;
  private readonly outbox: BroadcastChannel[];
  private closed = false;
  private readonly stopWatching = new AbortController();

  constructor(
    readonly rank: number,
    tabs: string[],
    tabId: string,
    job: string,
    env: TabEnvironment,
    private readonly control: BroadcastChannel,
    private readonly inbox: BroadcastChannel,
    private readonly releaseAlive: () => void,
  ) {
    this.size = tabs.length;
    this.box = new Mailbox(rank, this.size, 'tab');
    this.outbox = tabs.map((t) => (t === tabId ? inbox : env.openChannel(name(job, `to:${t}`))));
    control.onmessage = null;
    inbox.onmessage = (ev: MessageEvent<InboxMessage>) => {
      const m = ev.data;
      if (!('bye' in m)) {
        this.box.deliver(m.from, m.tag, m.data);
        return;
      }
      const k = m.from;
      if (k < 0 || k >= this.size || k === rank) return;
      if (m.cause !== null && m.cause !== rank)
        this.box.fail(m.cause, `is gone (rank ${k} stopped after losing it)`);
      else this.box.fail(k, 'left the fold (its tab stopped)');
    };
    // A lock request on each peer's alive lock is granted when that tab is gone.
    tabs.forEach((t, k) => {
      if (k === rank) return;
      env.locks
        .request(name(job, `alive:${t}`), { signal: this.stopWatching.signal }, () => {
          // A tab that left on purpose sent `bye` (with its cause) just before; let it arrive.
          setTimeout(() => {
            if (!this.closed) this.box.fail(k, 'is gone (its tab was closed or crashed)');
          }, BYE_GRACE_MS);
        })
        .catch(() => undefined);
    });
  }

  send(to: number, tag: string, data: Uint8Array): Promise<void> {
    if (this.closed) {
      return Promise.reject(
        new CollectiveError(`DAP rank ${this.rank} has left the group`, this.rank, 'closed'),
      );
    }
    const lost = this.box.firstLost();
    if (lost) return Promise.reject(lost);
    this.outbox[to].postMessage({ from: this.rank, tag, data } satisfies InboxMessage);
    return Promise.resolve();
  }

  recv(from: number, tag: string, timeoutMs: number): Promise<Uint8Array> {
    return this.box.recv(from, tag, timeoutMs);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    const cause = this.box.firstLost()?.rank ?? null;
    this.box.close(new CollectiveError(`DAP rank ${this.rank} has left the group`, this.rank, 'closed'));
    this.outbox.forEach((c, k) => {
      if (k !== this.rank) c.postMessage({ from: this.rank, bye: true, cause } satisfies InboxMessage);
    });
    this.stopWatching.abort();
    for (const c of this.outbox) if (c !== this.inbox) c.close();
    this.inbox.close();
    this.control.close();
    this.releaseAlive();
  }
}

/**
 * Joins (or, as the first tab, coordinates) the DAP job `job` and resolves with this tab's
 * collective once `size` tabs are present. Rejects after `joinTimeoutMs` with the count reached.
 */
export async function joinTabGroup(env: TabEnvironment, opts: JoinTabsOptions): Promise<PeerCollective> {
  checkJob(opts.job, opts.size);
  const tabId = opts.tabId ?? crypto.randomUUID();
  const { job, size } = opts;

  // Hold this tab's alive lock until the transport closes (or the tab dies).
  let releaseAlive: () => void = () => undefined;
  const held = new Promise<void>((res) => {
    releaseAlive = res;
  });
  await new Promise<void>((granted) => {
    env.locks.request(name(job, `alive:${tabId}`), {}, () => {
      granted();
      return held;
    });
  });

  // Coordinator election: whoever gets the coordinator lock first keeps it while in the job.
  let releaseCoordinator: () => void = () => undefined;
  const coordinating = new Promise<void>((res) => {
    releaseCoordinator = res;
  });
  const isCoordinator = await new Promise<boolean>((decided) => {
    env.locks.request(name(job, 'coordinator'), { ifAvailable: true }, (lock) => {
      decided(lock !== null);
      return lock === null ? undefined : coordinating;
    });
  });

  const control = env.openChannel(name(job, 'control'));
  const inbox = env.openChannel(name(job, `to:${tabId}`));
  const joinTimeoutMs = opts.joinTimeoutMs ?? 120_000;
  const present = new Set<string>([tabId]);
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const tabs = await new Promise<string[]>((resolve, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new CollectiveError(
              `DAP job ${job}: ${isCoordinator ? `${present.size} of ${size} tabs` : 'no roster from the coordinating tab'} ` +
                `after ${joinTimeoutMs} ms`,
              null,
              'timeout',
            ),
          ),
        joinTimeoutMs,
      );
      const rosterIfFull = () => {
        if (present.size < size) return;
        const tabs = [tabId, ...[...present].filter((t) => t !== tabId).slice(0, size - 1)];
        control.postMessage({ type: 'roster', tabs } satisfies Control);
        resolve(tabs);
      };
      control.onmessage = (ev: MessageEvent<Control>) => {
        const m = ev.data;
        if (isCoordinator && m.type === 'hello') {
          present.add(m.tab);
          rosterIfFull();
        } else if (!isCoordinator && m.type === 'who') {
          control.postMessage({ type: 'hello', tab: tabId } satisfies Control);
        } else if (!isCoordinator && m.type === 'roster' && m.tabs.includes(tabId)) {
          resolve(m.tabs);
        }
      };
      if (isCoordinator) {
        control.postMessage({ type: 'who' } satisfies Control);
        rosterIfFull();
      } else control.postMessage({ type: 'hello', tab: tabId } satisfies Control);
    });
    const transport = new TabTransport(tabs.indexOf(tabId), tabs, tabId, job, env, control, inbox, () => {
      releaseAlive();
      releaseCoordinator();
    });
    return new PeerCollective(transport, { timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS });
  } catch (e) {
    control.close();
    inbox.close();
    releaseAlive();
    releaseCoordinator();
    throw e;
  } finally {
    clearTimeout(timer);
  }
}
