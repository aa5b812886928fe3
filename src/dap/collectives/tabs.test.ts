/**
 * Tabs of one origin in one Node thread: Node's real BroadcastChannel, Web Locks from
 * web-locks.fixture.ts. Closing a tab does what a browser does (its channels close and its locks
 * are released), without telling the transport.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CollectiveError } from './collective.ts';
import type { PeerCollective } from './peer-collective.ts';
import { joinTabGroup, tabJobFromLink, tabJobLink } from './tabs.ts';
import { closeFixtureTabs, LockRegistry, fixtureTab as tab } from './web-locks.fixture.ts';

afterEach(closeFixtureTabs);

async function group(job: string, P: number, timeoutMs = 60_000) {
  const registry = new LockRegistry();
  const tabs = Array.from({ length: P }, (_, i) => tab(registry, `tab${i}`));
  // The first tab starts the job (and so coordinates); the others open the link afterwards.
  const first = joinTabGroup(tabs[0].env, { job, size: P, tabId: 'tab0', timeoutMs });
  const rest = tabs
    .slice(1)
    .map((t, i) => joinTabGroup(t.env, { job, size: P, tabId: `tab${i + 1}`, timeoutMs }));
  const colls = await Promise.all([first, ...rest]);
  return { tabs, colls };
}

const bytes = (...v: number[]) => new Uint8Array(v);

describe('tab transport (BroadcastChannel + Web Locks)', () => {
  it('P = 3 tabs: the first coordinates as rank 0; all-to-all, all-gather, broadcast, barrier', async () => {
    const { colls } = await group('job-a', 3);
    expect(colls.map((c) => c.rank)).toEqual([0, 1, 2]);
    const out = await Promise.all(
      colls.map(async (c: PeerCollective) => {
        const h = c.allToAllStart([0, 1, 2].map((k) => bytes(c.rank, k)));
        const ag = await c.allGather(bytes(40 + c.rank));
        const a2a = await h.wait();
        const bc = await c.broadcast(c.rank === 1 ? bytes(5) : null, 1);
        await c.barrier();
        return { a2a: a2a.map((b) => [...b]), ag: ag.map((b) => b[0]), bc: [...bc] };
      }),
    );
    out.forEach((o, r) => {
      expect(o.a2a).toEqual([0, 1, 2].map((k) => [k, r]));
      expect(o.ag).toEqual([40, 41, 42]);
      expect(o.bc).toEqual([5]);
    });
    for (const c of colls) c.close();
  });

  it('closing a tab mid-fold ends the others with a message naming its rank (lock released, no timeout)', async () => {
    const { tabs, colls } = await group('job-b', 3, 600_000);
    await Promise.all(colls.map((c) => c.barrier()));
    const waiting = [colls[0].allGather(bytes(1)), colls[1].allGather(bytes(2))];
    tabs[2].close();
    for (const w of waiting) {
      const err = await w.catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CollectiveError);
      expect((err as CollectiveError).rank).toBe(2);
      expect((err as CollectiveError).reason).toBe('lost');
      expect((err as Error).message).toMatch(/rank 2 \(tab\) is gone \(its tab was closed or crashed\)/);
    }
  });

  it('a tab that stops because of another names the first lost rank', async () => {
    const { colls } = await group('job-c', 3, 600_000);
    const waiting = colls[0].allGather(bytes(1));
    // Rank 1 loses rank 2 first (e.g. its own wait timed out) and closes; rank 0 must blame 2.
    (colls[1] as unknown as { transport: { box: { fail(k: number, w: string): void } } }).transport.box.fail(
      2,
      'is gone (test)',
    );
    colls[1].close();
    const err = (await waiting.catch((e: unknown) => e)) as CollectiveError;
    expect(err.rank).toBe(2);
    expect(err.message).toMatch(/rank 2 \(tab\) is gone \(rank 1 stopped after losing it\)/);
  });

  it('a group that does not form in time fails with the count reached', async () => {
    const registry = new LockRegistry();
    const t = tab(registry, 'lonely');
    await expect(joinTabGroup(t.env, { job: 'job-d', size: 2, joinTimeoutMs: 50 })).rejects.toThrow(
      /DAP job job-d: 1 of 2 tabs after 50 ms/,
    );
    await expect(joinTabGroup(t.env, { job: 'bad job!', size: 2 })).rejects.toThrow(/job id/);
  });

  it('invitation links carry the job and the rank count, and bad ones are refused', () => {
    const link = tabJobLink('https://fold.example/app?x=1#old', 'job-7', 3);
    expect(link).toBe('https://fold.example/app?x=1#dap=job-7&ranks=3');
    expect(tabJobFromLink(link)).toEqual({ job: 'job-7', size: 3 });
    expect(tabJobFromLink('https://fold.example/app')).toBeNull();
    expect(() => tabJobFromLink('https://fold.example/#dap=job-7&ranks=0')).toThrow(
      /ranks must be an integer/,
    );
    expect(() => tabJobLink('https://fold.example/', 'no spaces', 2)).toThrow(/job id/);
  });
});
