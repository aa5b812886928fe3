/** A fold job as the queue keeps it (and IndexedDB stores it). */
import type { FoldProgressEvent, FoldResult, RunSettings } from '../../worker/fold-api.ts';

export type JobStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled' | 'interrupted';

export interface JobInput {
  /** FASTA text as pasted (absent when folding an A3M) */
  fasta?: string;
  /** the A3M alignment and its file name */
  a3m?: string;
  a3mName?: string;
  /** the query sequence */
  sequence: string;
  numRes: number;
  /** sequences in the MSA (1 in single-sequence mode) */
  msaRows: number;
}

export interface Job {
  id: string;
  name: string;
  createdAt: number;
  input: JobInput;
  settings: RunSettings;
  paramsName: string;
  paramsDemo: boolean;
  status: JobStatus;
  /** in memory only: not persisted */
  progress?: FoldProgressEvent;
  error?: string;
  result?: FoldResult;
  startedAt?: number;
  finishedAt?: number;
}

export type NewJob = Pick<Job, 'name' | 'input' | 'settings' | 'paramsName' | 'paramsDemo'>;
