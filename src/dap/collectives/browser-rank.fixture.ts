/**
 * A DAP rank in a browser module worker, for e2e/dap-transports.spec.ts: joins the page's group,
 * runs an all-to-all and an all-gather, posts block sums; scenario 'throw' makes the last rank
 * throw an uncaught error after the first exchange, so the others must stop naming it.
 */
import { joinFromHost } from './worker-host.ts';

interface Payload {
  blockBytes: number;
  scenario: 'exchange' | 'throw';
}

const sum = (b: Uint8Array) => b.reduce((a, x) => a + x, 0);

const { coll, payload } = await joinFromHost(self, { timeoutMs: 60_000 });
const p = payload as Payload;
const P = coll.size;
try {
  const blocks = Array.from({ length: P }, (_, k) =>
    new Uint8Array(p.blockBytes).fill((coll.rank * 16 + k) & 255),
  );
  const recv = await coll.allToAll(blocks);
  const gathered = await coll.allGather(new Uint8Array([coll.rank + 100]));
  if (p.scenario === 'throw' && coll.rank === P - 1) {
    setTimeout(() => {
      throw new Error('rank crashed on purpose');
    });
  } else {
    if (p.scenario === 'throw') await coll.barrier();
    postMessage({ ok: true, recv: recv.map(sum), gathered: gathered.map((b) => b[0]) });
  }
} catch (e) {
  postMessage({ ok: false, message: (e as Error).message, rank: (e as { rank?: number }).rank });
}
