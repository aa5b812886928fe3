/**
 * DAP exchange throughput: one all-to-all per run, per transport and rank count P, as JSON.
 *
 * Each rank holds `size` bytes split in P blocks (block k for rank k), as in an all-to-all of a
 * DAP shard (src/dap/partition.ts); a run is a barrier, then the all-to-all, timed from the
 * barrier to the last rank done (max over ranks). Reported per (transport, P, size): median ms,
 * bytes each rank sends (size·(P−1)/P), and aggregate GB/s = bytes all ranks send / time.
 *   in-process  P ranks in this thread, host memory (copies through the Mailbox)
 *   gpu         P Dawn devices in this process: readback (MAP_READ staging, 16 MiB pieces),
 *               exchange, queue.writeBuffer, until every queue is idle. For P > 1 also the
 *               share of the exchange hidden behind compute: each device runs `reps` matmuls
 *               (engine kernel, --overlap-matmul N: N×N×N) alone (t_c), the exchange alone (t_x),
 *               then both — the exchange started first, the matmuls submitted right after (t_b);
 *               hidden = clamp((t_x + t_c − t_b) / t_x, 0, 1), medians of the runs
 *   workers     P worker_threads over SharedArrayBuffer rings (1 MiB per rank pair)
 *   tabs        P "tabs" in this thread: Node's BroadcastChannel, Web Locks from the test
 *               registry (src/dap/collectives/web-locks.fixture.ts); browsers will differ
 *
 * usage: node --import ./scripts/register.mjs bench/dap-exchange.ts [--ranks 1,2,3,4]
 *          [--sizes-mib 4,32] [--runs N] [--transports in-process,gpu,workers,tabs] [--out FILE|-]
 *          [--overlap-matmul N] [--overlap-reps R]
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
import { resolveMatmulDims } from '../src/engine/kernels/matmul.ref.ts';
import { matmulBindings, matmulKernelFor } from '../src/engine/kernels/matmul.ts';
import { acquireDevice, type GpuContext } from '../src/gpu/device.ts';
import { PipelineCache } from '../src/gpu/kernel.ts';
import { Recorder } from '../src/gpu/launch.ts';
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
  overlapMatmul: number;
  overlapReps: number;
}

const here = dirname(fileURLToPath(import.meta.url));

function parseArgs(argv: string[]): Args {
  const a: Args = {
    ranks: [1, 2, 3, 4],
    sizes: [4, 32].map((m) => m * 2 ** 20),
    runs: 5,
    transports: ALL,
    out: join(here, 'results', 'dap-exchange.json'),
    overlapMatmul: 512,
    overlapReps: 8,
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
    else if (f === '--overlap-matmul') a.overlapMatmul = Number(v);
    else if (f === '--overlap-reps') a.overlapReps = Number(v);
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

/** Matmul work for one device: `reps` dispatches of C[N, N] = A[N, N]·B[N, N], submitted at once. */
async function matmulWork(ctx: GpuContext, N: number, reps: number): Promise<() => Promise<void>> {
  const { device } = ctx;
  const cache = new PipelineCache(device);
  const mk = (label: string) =>
    device.createBuffer({ label, size: N * N * 4, usage: BufferUsage.STORAGE | BufferUsage.COPY_DST });
  const bufs = { a: mk('overlap.a'), b: mk('overlap.b'), c: mk('overlap.c') };
  const dims = { M: N, N, K: N };
  const kernel = matmulKernelFor(dims);
  await cache.get(kernel);
  return async () => {
    const rec = new Recorder(ctx, cache, 'overlap matmul');
    for (let i = 0; i < reps; i++)
      await rec.dispatch(kernel, resolveMatmulDims(dims), matmulBindings(device, bufs, {}));
    rec.submit();
    await device.queue.onSubmittedWorkDone();
  };
}

async function gpu(P: number, bytes: number, runs: number, overlap: { N: number; reps: number }) {
  const g = await nodeGpu();
  const ctxs: GpuContext[] = [];
  for (let r = 0; r < P; r++) ctxs.push(await acquireDevice(g, { label: `dap-bench-${r}` }));
  const devices = ctxs.map((c) => c.device);
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
  const exchange = () =>
    grp.ranks.map((c) => allToAllBufferStart(c, staging[c.rank], bufs[c.rank], bufs[c.rank], part));
  const idle = () => Promise.all(devices.map((d) => d.queue.onSubmittedWorkDone()));
  try {
    for (let r = 0; r < runs; r++) {
      await idle();
      const t0 = performance.now();
      await Promise.all(exchange().map((h) => h.wait()));
      await idle();
      ms.push(performance.now() - t0);
    }
    let hidden: Record<string, number> | null = null;
    if (P > 1 && overlap.N > 0) {
      const work = await Promise.all(ctxs.map((c) => matmulWork(c, overlap.N, overlap.reps)));
      const tc: number[] = [];
      const tb: number[] = [];
      for (let r = 0; r < runs; r++) {
        await idle();
        let t0 = performance.now();
        await Promise.all(work.map((w) => w()));
        tc.push(performance.now() - t0);
        await idle();
        t0 = performance.now();
        const hs = exchange(); // readbacks are queued before the matmuls
        await Promise.all([...hs.map((h) => h.wait()), ...work.map((w) => w())]);
        await idle();
        tb.push(performance.now() - t0);
      }
      const x = median(ms);
      const c = median(tc);
      const b = median(tb);
      hidden = {
        matmulN: overlap.N,
        matmulReps: overlap.reps,
        exchangeMs: Number(x.toFixed(3)),
        computeMs: Number(c.toFixed(3)),
        bothMs: Number(b.toFixed(3)),
        hiddenShare: Number(Math.min(1, Math.max(0, (x + c - b) / x)).toFixed(3)),
      };
    }
    return { ms, hidden, adapter: (await g.requestAdapter())?.info?.description ?? '' };
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
          let hidden: Record<string, number> | null = null;
          if (t === 'gpu') {
            const r = await gpu(P, size, args.runs, { N: args.overlapMatmul, reps: args.overlapReps });
            ms = r.ms;
            hidden = r.hidden;
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
            ...(hidden ? { overlap: hidden } : {}),
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
