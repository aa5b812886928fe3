/**
 * `webfold fold --budget BYTES`: parsing, and on Dawn a budget below the fold's predicted peak
 * refuses it before anything runs (PlanError naming the bytes; no output directory).
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseArgs, run, UsageError } from './fold.ts';

const GOLDEN = 'test/fixtures/golden';
const base = ['q.fasta', '--params', 'p.npz', '--out', 'o'];

beforeEach(() => {
  vi.spyOn(console, 'log').mockImplementation(() => {});
  vi.spyOn(console, 'error').mockImplementation(() => {});
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(() => vi.restoreAllMocks());

describe('webfold fold --budget', () => {
  it('takes a byte count with an optional unit, on webgpu only', () => {
    expect(parseArgs(base).budgetBytes).toBeUndefined();
    expect(parseArgs([...base, '--budget', '64M']).budgetBytes).toBe(64 * 2 ** 20);
    expect(parseArgs([...base, '--budget=1.5G']).budgetBytes).toBe(1.5 * 2 ** 30);
    expect(() => parseArgs([...base, '--budget', 'lots'])).toThrow(UsageError);
    expect(() => parseArgs([...base, '--budget', '1G', '--backend', 'cpu'])).toThrow(/--backend webgpu/);
  });

  it('refuses a fold whose predicted peak is over the budget, writing nothing', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'webfold-fold-budget-')), 'out');
    const argv = [join(GOLDEN, 'query.a3m'), '--params', join(GOLDEN, 'params.npz'), '--out', out];
    await expect(run([...argv, '--recycles', '0', '--budget', '64K'])).rejects.toMatchObject({
      name: 'PlanError',
      limit: 64 * 1024,
      limitName: 'budget',
    });
    expect(existsSync(out)).toBe(false);
  }, 300_000);
});
