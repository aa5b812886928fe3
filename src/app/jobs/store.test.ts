import { describe, expect, it } from 'vitest';
import type { FoldJob, FoldProgressListener, FoldResult, RunSettings } from '../../worker/fold-api.ts';
import { CancelledError, type FoldClient } from '../fold/client.ts';
import { memoryJobDb } from './idb.ts';
import { CANCELLED_MESSAGE, createJobsStore, INTERRUPTED_MESSAGE } from './store.ts';
import type { Job, NewJob } from './types.ts';

const settings: RunSettings = {
  paramsId: 'demo',
  recycles: 1,
  seed: 0,
  msaSampling: 'af2',
  precision: 'f32',
};

function result(n: number): FoldResult {
  return {
    prediction: {
      positions: new Float32Array(n * 37 * 3),
      atomMask: new Float32Array(n * 37),
      aatype: new Int32Array(n),
      residueIndex: Int32Array.from({ length: n }, (_, i) => i),
      plddt: new Float32Array(n).fill(70),
      meanPlddt: 70,
      iterations: 2,
      recycles: [],
      timings: [],
      totalMs: 1234,
      engine: 'fake',
    },
    numRes: n,
    msaRows: 1,
    clusters: 1,
    extra: 1,
    engineLabel: 'fake engine',
    paramsName: 'demo',
    featuresMs: 1,
    paramsMs: 1,
  };
}

/** A worker whose folds finish when the test says so. */
function fakeWorker() {
  const pending: {
    job: FoldJob;
    resolve: (r: FoldResult) => void;
    reject: (e: Error) => void;
    onProgress?: FoldProgressListener;
  }[] = [];
  let restarts = 0;
  const client = {
    alive: true,
    fold(job: FoldJob, onProgress?: FoldProgressListener) {
      return new Promise<FoldResult>((resolve, reject) => pending.push({ job, resolve, reject, onProgress }));
    },
  } as unknown as FoldClient;
  return {
    pending,
    get restarts() {
      return restarts;
    },
    worker: {
      get: () => client,
      restart() {
        restarts++;
        for (const p of pending.splice(0)) p.reject(new CancelledError('cancelled'));
      },
    },
  };
}

const newJob = (name: string): NewJob => ({
  name,
  input: { fasta: '>a\nMKTAYIAK', sequence: 'MKTAYIAK', numRes: 8, msaRows: 1 },
  settings,
  paramsName: 'demo',
  paramsDemo: true,
});

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('jobs store', () => {
  it('runs queued jobs one at a time and persists results with their arrays', async () => {
    const db = memoryJobDb<Job>();
    const w = fakeWorker();
    let id = 0;
    const store = createJobsStore({ db, worker: w.worker, newId: () => `j${++id}` });
    await store.getState().hydrate();
    store.getState().submit(newJob('first'));
    store.getState().submit(newJob('second'));
    expect(w.pending).toHaveLength(1);
    expect(store.getState().jobs.find((j) => j.id === 'j1')?.status).toBe('running');
    expect(store.getState().jobs.find((j) => j.id === 'j2')?.status).toBe('queued');

    w.pending[0].onProgress?.({
      stage: 'evoformer',
      recycle: 0,
      numRecycles: 1,
      elapsedMs: 10,
      fraction: 0.3,
    });
    expect(store.getState().jobs.find((j) => j.id === 'j1')?.progress?.fraction).toBe(0.3);

    w.pending.shift()?.resolve(result(8));
    await tick();
    await tick();
    expect(store.getState().jobs.find((j) => j.id === 'j1')?.status).toBe('done');
    expect(w.pending).toHaveLength(1); // the second started
    const saved = db.records.get('j1');
    expect(saved?.status).toBe('done');
    expect(saved?.progress).toBeUndefined();
    expect(saved?.result?.prediction.plddt).toBeInstanceOf(Float32Array);
    expect(saved?.result?.prediction.plddt.length).toBe(8);
  });

  it("gives the worker the job's id and name (a fold over tabs names its tab group by the id)", async () => {
    const w = fakeWorker();
    const store = createJobsStore({ db: memoryJobDb<Job>(), worker: w.worker, newId: () => 'job-7' });
    await store.getState().hydrate();
    store.getState().submit({ ...newJob('over tabs'), settings: { ...settings, tabs: 2 } });
    expect(w.pending[0].job).toMatchObject({ id: 'job-7', name: 'over tabs', settings: { tabs: 2 } });
  });

  it('cancel restarts the worker and keeps nothing', async () => {
    const db = memoryJobDb<Job>();
    const w = fakeWorker();
    const store = createJobsStore({ db, worker: w.worker, newId: () => 'c1' });
    await store.getState().hydrate();
    store.getState().submit(newJob('x'));
    store.getState().cancel('c1');
    await tick();
    await tick();
    expect(w.restarts).toBe(1);
    const job = store.getState().jobs[0];
    expect(job.status).toBe('cancelled');
    expect(job.error).toBe(CANCELLED_MESSAGE);
    expect(job.result).toBeUndefined();
  });

  it('restores jobs after a reload; a running one comes back interrupted; rename, rerun and delete', async () => {
    const db = memoryJobDb<Job>();
    const w1 = fakeWorker();
    let id = 0;
    const first = createJobsStore({ db, worker: w1.worker, newId: () => `r${++id}` });
    await first.getState().hydrate();
    first.getState().submit(newJob('done one'));
    w1.pending.shift()?.resolve(result(5));
    await tick();
    await tick();
    first.getState().submit(newJob('running one'));
    await tick();
    expect(db.records.get('r2')?.status).toBe('running');

    // "reload": a new store over the same database
    const w2 = fakeWorker();
    const second = createJobsStore({ db, worker: w2.worker, newId: () => `r${++id}` });
    await second.getState().hydrate();
    const jobs = second.getState().jobs;
    expect(jobs.map((j) => j.status).sort()).toEqual(['done', 'interrupted']);
    expect(jobs.find((j) => j.id === 'r2')?.error).toBe(INTERRUPTED_MESSAGE);
    expect(jobs.find((j) => j.id === 'r1')?.result?.numRes).toBe(5);
    expect(w2.pending).toHaveLength(0);

    second.getState().rename('r1', '  renamed  ');
    expect(second.getState().jobs.find((j) => j.id === 'r1')?.name).toBe('renamed');
    await tick();
    expect(db.records.get('r1')?.name).toBe('renamed');

    const again = second.getState().rerun('r2');
    expect(again).toBe('r3');
    expect(w2.pending).toHaveLength(1);

    second.getState().remove('r1');
    await tick();
    expect(db.records.has('r1')).toBe(false);
    expect(second.getState().jobs.find((j) => j.id === 'r1')).toBeUndefined();
  });
});
