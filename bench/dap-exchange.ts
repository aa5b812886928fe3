/**
 * DAP exchange throughput: one all-to-all per run, per transport and rank count P, as JSON.
 *
 * Each rank holds `size` bytes split in P blocks (block k for rank k), as in an all-to-all of a
 * DAP shard (src/dap/partition.ts); a run is a barrier, then the all-to-all, timed from the
 * barrier to the last rank done (max over ranks). Reported per (transport, P, size): median ms,
 * bytes each rank sends (size·(P−1)/P), and aggregate GB/s = bytes all ranks send / time.
 *   in-process  P ranks in this thread, host memory (copies through the Mailbox)
 *   gpu         P Dawn devices in this process: readback (MAP_READ staging, 16 MiB pieces),
 *               exchange, queue.writeBuffer, until every queue is idle
 *   workers     P worker_threads over SharedArrayBuffer rings (1 MiB per rank pair)
 *   tabs        P "tabs" in this thread: Node's BroadcastChannel, Web Locks from the test
 *               registry (src/dap/collectives/web-locks.fixture.ts); browsers will differ
 *
 * usage: node --import ./scripts/register.mjs bench/dap-exchange.ts [--ranks 1,2,3,4]
 *          [--sizes-mib 4,32] [--runs N] [--transports in-process,gpu,workers,tabs] [--out FILE|-]
 * Writes bench/results/dap-exchange.json unless --out - ; never part of `npm test`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Collective } from '../src/dap/collectives/collective.ts';
import { allToAllBufferStart, ReadbackStaging } from '../src/dap/collectives/gpu-exchange.ts';
import { createInProcessGroup } from '../src/dap/collectives/in-process.ts';
import { createSharedGroupMemory, markGone } from '../src/dap/collectives/shared-memory.ts';
import { joinTabGroup } from '../src/dap/collectives/tabs.ts';
import { LockRegistry } from '../src/dap/collectives/web-locks.fixture.ts';
import { acquireDevice } from '../src/gpu/device.ts';
import { nodeGpu } from '../src/gpu/node.ts';
import { BufferUsage } from '../src/gpu/usage.ts';

type Transport = 'in-process' | 'gpu' | 'workers' | 'tabs';
const ALL: Transport[] = ['in-process', 'gpu', 'workers', 'tabs'];

interface Args {
  ranks: number[];
  sizes: number[];
  runs: number;
  transports: Transport[];
  out: string;
}

const here = dirname(fileURLToPath(import.meta.url));

function parseArgs(argv: string[]): Args {
  const a: Args = {
    ranks: [1, 2, 3, 4],
    sizes: [4, 32].map((m) => m * 2 ** 20),
    runs: 5,
    transports: ALL,
    out: join(here, 'results', 'dap-exchange.json'),
  };
  const list = (v: string | undefined, flag: string) => {
    if (v === undefined) throw new Error(`dap-exchange: ${flag} needs a value`);
    return v.split(',').map((x) => x.trim());
  };
  for (let i = 0; i < argv.length; i++) {
    const f = argv[i];
    const v = argv[++i];
    if (f === '--ranks') a.ranks = list(v, f).map(Number);
    else if (f === '--sizes-mib') a.sizes = list(v, f).map((m) => Math.round(Number(m) * 2 ** 20));
    else if (f === '--runs') a.runs = Number(v);
    else if (f === '--transports') a.transports = list(v, f) as Transport[];
    else if (f === '--out') a.out = v ?? '';
    else throw new Error(`dap-exchange: unknown argument ${f}`);
  }
  for (const t of a.transports)
    if (!ALL.includes(t)) throw new Error(`dap-exchange: unknown transport ${t} (${ALL})`);
  if (a.ranks.some((p) => !Number.isInteger(p) || p < 1))
    throw new Error('dap-exchange: --ranks must be integers ≥ 1');
  if (a.sizes.some((s) => !(s >= 4)) || !(a.runs >= 1))
    throw new Error('dap-exchange: bad --sizes-mib or --runs');
  return a;
}

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];

/** Times `runs` all-to-alls over collectives in this thread (max over ranks, from a barrier). */
async function timeCollectives(colls: Collective[], bytes: number, runs: number): Promise<number[]> {
  const P = colls.length;
  const block = Math.floor(bytes / P);
  const blocks = colls.map(() => Array.from({ length: P }, (_, k) => new Uint8Array(block).fill(k + 1)));
  const ms: number[] = [];
  for (let r = 0; r < runs; r++) {
    await Promise.all(colls.map((c) => c.barrier()));
    const t0 = performance.now();
    await Promise.all(colls.map((c) => c.allToAll(blocks[c.rank])));
    ms.push(performance.now() - t0);
  }
  return ms;
}

async function inProcess(P: number, bytes: number, runs: number) {
  const g = createInProcessGroup(P);
  return timeCollectives(g.ranks, bytes, runs);
}

async function tabs(P: number, bytes: number, runs: number) {
  const registry = new LockRegistry();
  const channels: BroadcastChannel[] = [];
  const job = `bench-${P}-${bytes}`;
  const colls = await Promise.all(
    Array.from({ length: P }, (_, i) =>
      joinTabGroup(
        {
          locks: registry.client(`tab${i}`),
          openChannel: (n) => {
            const c = new BroadcastChannel(n);
            channels.push(c);
            return c;
          },
        },
        { job, size: P, tabId: `tab${i}`, timeoutMs: 120_000 },
      ),
    ),
  );
  colls.sort((x, y) => x.rank - y.rank);
  try {
    return await timeCollectives(colls, bytes, runs);
  } finally {
    for (const c of colls) c.close();
    for (const c of channels) c.close();
  }
}

async function workers(P: number, bytes: number, runs: number) {
  const sab = createSharedGroupMemory(P, 1 << 20);
  const boot = new URL('../src/dap/collectives/node-worker-boot.mjs', import.meta.url);
  const entry = new URL('./dap-exchange.worker.ts', import.meta.url).href;
  const per = await Promise.all(
    Array.from(
      { length: P },
      (_, rank) =>
        new Promise<number[]>((resolve, reject) => {
          const w = new Worker(boot, { workerData: { entry, sab, rank, bytes, runs } });
          let got: { ms?: number[]; error?: string } = {};
          w.on('message', (m) => {
            got = m;
          });
          w.on('error', reject);
          w.on('exit', () => {
            markGone(sab, rank);
            if (got.ms) resolve(got.ms);
            else reject(new Error(`worker rank ${rank}: ${got.error ?? 'exited without a result'}`));
          });
        }),
    ),
  );
  return Array.from({ length: runs }, (_, r) => Math.max(...per.map((ms) => ms[r])));
}

async function gpu(P: number, bytes: number, runs: number) {
  const g = await nodeGpu();
  const devices: GPUDevice[] = [];
  for (let r = 0; r < P; r++) devices.push((await acquireDevice(g, { label: `dap-bench-${r}` })).device);
  const part = Math.floor(bytes / P / 4) * 4;
  const bufs = devices.map((d, r) =>
    d.createBuffer({
      label: `dap-bench-${r}`,
      size: part * P,
      usage: BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST,
    }),
  );
  const staging = devices.map((d) => new ReadbackStaging(d));
  const grp = createInProcessGroup(P);
  const ms: number[] = [];
  try {
    for (let r = 0; r < runs; r++) {
      await Promise.all(devices.map((d) => d.queue.onSubmittedWorkDone()));
      const t0 = performance.now();
      await Promise.all(
        grp.ranks.map((c) =>
          allToAllBufferStart(c, staging[c.rank], bufs[c.rank], bufs[c.rank], part).wait(),
        ),
      );
      await Promise.all(devices.map((d) => d.queue.onSubmittedWorkDone()));
      ms.push(performance.now() - t0);
    }
    return { ms, adapter: (await g.requestAdapter())?.info?.description ?? '' };
  } finally {
    for (const s of staging) s.destroy();
    for (const d of devices) d.destroy();
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const rows: Record<string, unknown>[] = [];
  let adapter = '';
  for (const t of args.transports) {
    for (const P of args.ranks) {
      for (const size of args.sizes) {
        process.stderr.write(`dap-exchange: ${t} P=${P} ${size / 2 ** 20} MiB\n`);
        try {
          let ms: number[];
          if (t === 'gpu') {
            const r = await gpu(P, size, args.runs);
            ms = r.ms;
            adapter = r.adapter;
          } else if (t === 'workers') ms = await workers(P, size, args.runs);
          else if (t === 'tabs') ms = await tabs(P, size, args.runs);
          else ms = await inProcess(P, size, args.runs);
          const block = t === 'gpu' ? Math.floor(size / P / 4) * 4 : Math.floor(size / P);
          const sentPerRank = block * (P - 1);
          const m = median(ms);
          rows.push({
            transport: t,
            ranks: P,
            bytesPerRank: block * P,
            bytesSentPerRank: sentPerRank,
            medianMs: Number(m.toFixed(3)),
            runsMs: ms.map((x) => Number(x.toFixed(3))),
            aggregateGBps: P > 1 ? Number(((sentPerRank * P) / (m / 1000) / 1e9).toFixed(3)) : null,
          });
        } catch (e) {
          rows.push({ transport: t, ranks: P, bytesPerRank: size, error: (e as Error).message });
        }
      }
    }
  }
  const result = {
    bench: 'dap-exchange',
    date: new Date().toISOString(),
    host: {
      cpus: availableParallelism(),
      loadavg: loadavg().map((x) => Number(x.toFixed(2))),
      node: process.version,
    },
    gpuAdapter: adapter || null,
    runs: args.runs,
    results: rows,
  };
  const json = JSON.stringify(result, null, 2);
  console.log(json);
  if (args.out !== '-') {
    mkdirSync(dirname(args.out), { recursive: true });
    writeFileSync(args.out, `${json}\n`);
  }
}

await main();
