/**
 * The job queue: jobs run one at a time on the fold worker, and every job (input, settings,
 * status, result with the prediction arrays) is kept in IndexedDB, so a reload loses nothing.
 * A job that was running when the page went away comes back as 'interrupted' (re-run it);
 * queued jobs resume. Cancelling the running job restarts the worker: nothing half-done is kept.
 */
import { create } from 'zustand';
import type { FoldJob } from '../../worker/fold-api.ts';
import { CancelledError, errorMessage, type FoldClient } from '../fold/client.ts';
import { foldWorker } from '../fold/workers.ts';
import { type JobDb, memoryJobDb, openJobDb } from './idb.ts';
import type { Job, NewJob } from './types.ts';

export interface JobsState {
  jobs: Job[];
  selectedId: string | undefined;
  hydrated: boolean;
  /** a persistence problem (IndexedDB unavailable or full), shown once */
  storageError: string | undefined;
  hydrate(): Promise<void>;
  submit(job: NewJob): string;
  cancel(id: string): void;
  rerun(id: string): string | undefined;
  rename(id: string, name: string): void;
  remove(id: string): void;
  select(id: string | undefined): void;
}

export interface JobsDeps {
  db: JobDb<Job>;
  /** the fold worker; restart() terminates it (cancel) */
  worker: { get(): FoldClient; restart(reason?: string): void };
  now?: () => number;
  newId?: () => string;
}

export const CANCELLED_MESSAGE = 'Cancelled: the fold was stopped and nothing was kept. You can re-run it.';
export const INTERRUPTED_MESSAGE =
  'Interrupted: the page was closed or reloaded while this job was running. Re-run it to fold again.';

/** What goes to IndexedDB: everything but the live progress. */
export function persisted(job: Job): Job {
  const { progress: _progress, ...rest } = job;
  return rest;
}

export function foldJobOf(job: Job): FoldJob {
  return { fasta: job.input.fasta, a3m: job.input.a3m, settings: job.settings, id: job.id, name: job.name };
}

export function createJobsStore(deps: JobsDeps) {
  const now = deps.now ?? Date.now;
  const newId = deps.newId ?? (() => crypto.randomUUID());
  let runningId: string | undefined;

  return create<JobsState>()((set, get) => {
    const find = (id: string) => get().jobs.find((j) => j.id === id);

    const save = (job: Job) => {
      deps.db.put(persisted(job)).catch((err: unknown) => {
        set({ storageError: `This job could not be saved in the browser's storage: ${errorMessage(err)}` });
      });
    };

    /** Update a job in memory (and in IndexedDB unless only progress changed). */
    const update = (id: string, patch: Partial<Job>, persist = true) => {
      let next: Job | undefined;
      set((s) => ({
        jobs: s.jobs.map((j) => {
          if (j.id !== id) return j;
          next = { ...j, ...patch };
          return next;
        }),
      }));
      if (next && persist) save(next);
    };

    const pump = () => {
      if (runningId) return;
      const next = [...get().jobs].reverse().find((j) => j.status === 'queued');
      if (!next) return;
      runningId = next.id;
      const id = next.id;
      update(id, { status: 'running', startedAt: now(), error: undefined, progress: undefined });
      let client: FoldClient;
      try {
        client = deps.worker.get();
      } catch (err) {
        runningId = undefined;
        update(id, {
          status: 'failed',
          error: `The fold worker could not start: ${errorMessage(err)}`,
          finishedAt: now(),
        });
        return;
      }
      client
        .fold(foldJobOf(next), (progress) => {
          if (runningId === id) update(id, { progress }, false);
        })
        .then(
          (result) => update(id, { status: 'done', result, progress: undefined, finishedAt: now() }),
          (err: unknown) => {
            const cancelled = err instanceof CancelledError;
            update(id, {
              status: cancelled ? 'cancelled' : 'failed',
              error: cancelled ? CANCELLED_MESSAGE : errorMessage(err),
              progress: undefined,
              finishedAt: now(),
            });
          },
        )
        .finally(() => {
          if (runningId === id) runningId = undefined;
          pump();
        });
    };

    return {
      jobs: [],
      selectedId: undefined,
      hydrated: false,
      storageError: undefined,

      async hydrate() {
        if (get().hydrated) return;
        let stored: Job[] = [];
        try {
          stored = await deps.db.getAll();
        } catch (err) {
          set({
            storageError: `Saved jobs could not be read from the browser's storage: ${errorMessage(err)}`,
          });
        }
        const restored = stored.map((j) =>
          j.status === 'running' ? { ...j, status: 'interrupted' as const, error: INTERRUPTED_MESSAGE } : j,
        );
        restored.forEach((j, i) => {
          if (stored[i].status === 'running') save(j);
        });
        set((s) => {
          const ids = new Set(s.jobs.map((j) => j.id));
          const jobs = [...s.jobs, ...restored.filter((j) => !ids.has(j.id))].sort(
            (a, b) => b.createdAt - a.createdAt,
          );
          const selectedId = s.selectedId ?? jobs.find((j) => j.status === 'done')?.id ?? jobs[0]?.id;
          return { jobs, hydrated: true, selectedId };
        });
        pump();
      },

      submit(input) {
        const job: Job = { ...input, id: newId(), createdAt: now(), status: 'queued' };
        set((s) => ({ jobs: [job, ...s.jobs], selectedId: job.id }));
        save(job);
        pump();
        return job.id;
      },

      cancel(id) {
        const job = find(id);
        if (!job) return;
        if (job.status === 'running' && runningId === id) {
          deps.worker.restart('cancelled by the user');
        } else if (job.status === 'queued') {
          update(id, { status: 'cancelled', error: CANCELLED_MESSAGE, finishedAt: now() });
        }
      },

      rerun(id) {
        const job = find(id);
        if (!job) return undefined;
        return get().submit({
          name: job.name,
          input: job.input,
          settings: job.settings,
          paramsName: job.paramsName,
          paramsDemo: job.paramsDemo,
        });
      },

      rename(id, name) {
        const clean = name.trim().slice(0, 80);
        if (clean) update(id, { name: clean });
      },

      remove(id) {
        const job = find(id);
        if (!job) return;
        if (job.status === 'running') get().cancel(id);
        set((s) => {
          const jobs = s.jobs.filter((j) => j.id !== id);
          return { jobs, selectedId: s.selectedId === id ? jobs[0]?.id : s.selectedId };
        });
        deps.db.delete(id).catch(() => {});
      },

      select(id) {
        set({ selectedId: id });
      },
    };
  });
}

function defaultDb(): JobDb<Job> {
  return typeof indexedDB !== 'undefined' ? openJobDb<Job>() : memoryJobDb<Job>();
}

export const useJobsStore = createJobsStore({ db: defaultDb(), worker: foldWorker });
