/**
 * What the storage panel shows, computed from plain data: the browser's estimate split by kind
 * (Chromium reports `usageDetails`), which jobs count as finished, and roughly how many bytes a
 * stored job takes (its typed arrays and strings, as IndexedDB keeps them).
 */
import type { Job, JobStatus } from '../jobs/types.ts';

export interface StorageEstimateLike {
  usage?: number;
  quota?: number;
  /** Chromium only: bytes per storage kind */
  usageDetails?: Record<string, number | undefined>;
}

export interface UsageRow {
  key: string;
  label: string;
  bytes: number;
}

const LABELS: Record<string, string> = {
  indexedDB: 'Jobs and results (IndexedDB)',
  fileSystem: 'Imported parameter sets (private file system)',
  caches: 'Offline copy of the app (Cache Storage)',
  serviceWorkerRegistrations: 'Service worker',
};

/** The estimate's kinds with bytes > 0, largest first; unknown kinds keep their own name. */
export function usageRows(est: StorageEstimateLike | undefined): UsageRow[] {
  const rows: UsageRow[] = [];
  for (const [key, bytes] of Object.entries(est?.usageDetails ?? {})) {
    if (typeof bytes === 'number' && bytes > 0) rows.push({ key, label: LABELS[key] ?? key, bytes });
  }
  return rows.sort((a, b) => b.bytes - a.bytes);
}

/** usage / quota in [0, 1], or undefined when the browser does not say. */
export function usedFraction(est: StorageEstimateLike | undefined): number | undefined {
  if (!est?.quota || est.usage === undefined) return undefined;
  return Math.min(1, Math.max(0, est.usage / est.quota));
}

const FINISHED: ReadonlySet<JobStatus> = new Set(['done', 'failed', 'cancelled', 'interrupted']);

/** Jobs that no longer run or wait: the ones cleanup may delete. */
export function finishedJobs(jobs: readonly Job[]): Job[] {
  return jobs.filter((j) => FINISHED.has(j.status));
}

/** Approximate stored size of a value: typed arrays by byteLength, strings at 2 bytes a char. */
export function approxBytes(value: unknown, seen: Set<object> = new Set()): number {
  if (typeof value === 'string') return value.length * 2;
  if (typeof value === 'number') return 8;
  if (typeof value === 'boolean') return 4;
  if (value === null || typeof value !== 'object' || seen.has(value)) return 0;
  seen.add(value);
  if (ArrayBuffer.isView(value)) return value.byteLength;
  if (value instanceof ArrayBuffer) return value.byteLength;
  let sum = 0;
  for (const v of Object.values(value)) sum += approxBytes(v, seen);
  return sum;
}
