import { describe, expect, it } from 'vitest';
import type { Job, JobStatus } from '../jobs/types.ts';
import { approxBytes, finishedJobs, usageRows, usedFraction } from './usage.ts';

const job = (id: string, status: JobStatus) => ({ id, status }) as Job;

describe('storage usage', () => {
  it('labels the browser-reported kinds, largest first, without empty ones', () => {
    const rows = usageRows({
      usage: 300,
      quota: 1000,
      usageDetails: { caches: 100, indexedDB: 150, fileSystem: 0, serviceWorkerRegistrations: 50, other: 7 },
    });
    expect(rows.map((r) => [r.key, r.bytes])).toEqual([
      ['indexedDB', 150],
      ['caches', 100],
      ['serviceWorkerRegistrations', 50],
      ['other', 7],
    ]);
    expect(rows[0].label).toBe('Jobs and results (IndexedDB)');
    expect(rows[3].label).toBe('other');
    expect(usageRows(undefined)).toEqual([]);
    expect(usageRows({ usage: 5 })).toEqual([]);
  });

  it('gives the used share only when usage and quota are known', () => {
    expect(usedFraction({ usage: 250, quota: 1000 })).toBe(0.25);
    expect(usedFraction({ usage: 2000, quota: 1000 })).toBe(1);
    expect(usedFraction({ usage: 250 })).toBeUndefined();
    expect(usedFraction({ usage: 250, quota: 0 })).toBeUndefined();
    expect(usedFraction(undefined)).toBeUndefined();
  });

  it('counts done, failed, cancelled and interrupted jobs as finished, never queued or running', () => {
    const jobs = (['done', 'failed', 'cancelled', 'interrupted', 'queued', 'running'] as const).map((s) =>
      job(s, s),
    );
    expect(finishedJobs(jobs).map((j) => j.id)).toEqual(['done', 'failed', 'cancelled', 'interrupted']);
  });

  it('sizes typed arrays by bytes and follows nested objects once', () => {
    const shared = new Float32Array(10);
    const value = { a: shared, b: { c: shared, d: 'xy', e: [1, 2] }, f: new ArrayBuffer(3), g: null };
    expect(approxBytes(value)).toBe(40 + 4 + 16 + 3);
  });
});
