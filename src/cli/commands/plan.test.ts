/** `webfold plan`: JSON on stdout, exit 1 with the PlanError when the budget cannot hold the fold. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseBytes, run } from './plan.ts';

afterEach(() => vi.restoreAllMocks());

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((s: string) => void out.push(s));
  vi.spyOn(console, 'error').mockImplementation((s: string) => void err.push(s));
  return { out, err };
}

describe('webfold plan', () => {
  it('prints the plan as JSON', async () => {
    const io = capture();
    const rc = await run([
      '--dims',
      'golden',
      '--length',
      '35',
      '--msa',
      '8',
      '--extra',
      '12',
      '--templates',
      '2',
    ]);
    expect(rc).toBe(0);
    const plan = JSON.parse(io.out.join('\n'));
    expect(plan.sizes).toEqual({ nRes: 35, nSeq: 8, nExtra: 12, nTempl: 2 });
    expect(plan.peak.bytes).toBeGreaterThan(0);
  });

  it('exits 1 with the PlanError when the budget is too small', async () => {
    const io = capture();
    const rc = await run(['--dims', 'full', '--length', '1024', '--budget', '1G']);
    expect(rc).toBe(1);
    const e = JSON.parse(io.out.join('\n'));
    expect(e.limitName).toBe('budget');
    expect(e.limit).toBe(2 ** 30);
    expect(io.err.join('\n')).toMatch(/cannot plan .*needs \d+ bytes/);
  });

  it('--engine adds the engine peak from a dry run, or the PlanError it refuses with', async () => {
    const sizes = ['--dims', 'golden', '--length', '35', '--msa', '8', '--extra', '12', '--engine'];
    let io = capture();
    expect(await run(sizes)).toBe(0);
    const engine = JSON.parse(io.out.join('\n')).engine;
    expect(engine.peakBytes).toBeGreaterThan(0);
    expect(engine.allocations).toBeGreaterThan(0);
    vi.restoreAllMocks();
    // an adapter with 64 KiB bindings: the plan fails (exit 1) and the engine refuses up front
    // (z is 78,400 bytes); both verdicts are printed
    const dir = mkdtempSync(join(tmpdir(), 'webfold-plan-engine-'));
    const adapter = join(dir, 'adapter.json');
    writeFileSync(adapter, JSON.stringify({ limits: { maxStorageBufferBindingSize: 65536 } }));
    io = capture();
    expect(await run([...sizes, '--adapter', adapter])).toBe(1);
    expect(JSON.parse(io.out.join('\n')).engine).toMatchObject({
      error: 'PlanError',
      needed: 35 * 35 * 16 * 4,
      limitName: 'maxStorageBufferBindingSize',
    });
  });

  it("--engine: today's engine fits the issue's targets on an adapter with 2 GiB bindings", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'webfold-plan-engine-'));
    const adapter = join(dir, 'adapter.json');
    const big = 2 ** 31 - 4;
    writeFileSync(
      adapter,
      JSON.stringify({
        features: ['shader-f16'],
        limits: { maxStorageBufferBindingSize: big, maxBufferSize: big },
      }),
    );
    const peak = async (length: number, precision: string) => {
      const io = capture();
      const args = ['--dims', 'full', '--length', `${length}`, '--msa', '512', '--extra', '1024'];
      expect(await run([...args, '--precision', precision, '--engine', '--adapter', adapter])).toBe(0);
      vi.restoreAllMocks();
      return JSON.parse(io.out.join('\n')).engine.peakBytes / 2 ** 30;
    };
    // z, m, the triangle update's left and right projections and its window are the peak
    expect(await peak(1024, 'f32')).toBeLessThan(2.5);
    expect(await peak(1024, 'f16')).toBeLessThan(1.5);
    expect(await peak(2048, 'f16')).toBeLessThan(4);
  }, 180_000);

  it('exits 2 on bad usage', async () => {
    capture();
    expect(await run(['--msa', '8'])).toBe(2);
    expect(await run(['--length', '8', '--precision', 'f8'])).toBe(2);
    expect(await run(['--length', '8', '--devices', '0'])).toBe(2);
  });

  it('--devices 4 plans each rank and prints the DAP partition with bytes per block', async () => {
    const io = capture();
    expect(await run(['--dims', 'full', '--length', '2048'])).toBe(0);
    const one = JSON.parse(io.out.join('\n'));
    io.out.length = 0;
    expect(await run(['--dims', 'full', '--length', '2048', '--devices', '4'])).toBe(0);
    const four = JSON.parse(io.out.join('\n'));
    expect(one.dap).toBeUndefined();
    expect(four.dap.ranks).toBe(4);
    expect(four.peak.bytes).toBeLessThanOrEqual(0.35 * one.peak.bytes);
    const ev = four.dap.stacks.find((s: { stack: string }) => s.stack === 'evoformer');
    expect(ev.perBlock.bytesTotal).toBeGreaterThan(0);
    expect(ev.collectives.map((c: { kind: string }) => c.kind)).toContain('all_to_all');
  });

  it('parses byte counts', () => {
    expect(parseBytes('134217728')).toBe(134217728);
    expect(parseBytes('128M')).toBe(134217728);
    expect(parseBytes('1.5GiB')).toBe(1.5 * 2 ** 30);
    expect(() => parseBytes('lots')).toThrow();
  });
});
