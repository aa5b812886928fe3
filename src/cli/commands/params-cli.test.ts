import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readNpz } from '../../model/params/npz.ts';
import { encodeNpz } from '../../model/params/npz-write.ts';
import { bufferSource } from '../../model/params/source.ts';
import * as inspect from './inspect-params.ts';
import * as make from './make-params.ts';

let out: string[];
let err: string[];
beforeEach(() => {
  out = [];
  err = [];
  vi.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a) => void err.push(a.join(' ')));
});
afterEach(() => vi.restoreAllMocks());

const dir = mkdtempSync(join(tmpdir(), 'webfold-params-cli-'));

describe('webfold inspect-params / make-params', () => {
  it('inspect-params prints the golden config as JSON', async () => {
    expect(await inspect.run(['test/fixtures/golden/params.npz'])).toBe(0);
    const cfg = JSON.parse(out.join('\n'));
    expect([cfg.c_m, cfg.c_z, cfg.c_s, cfg.c_e, cfg.c_t]).toEqual([32, 16, 48, 16, 16]);
    expect(cfg.parameterCount).toBe(157338);
    expect(cfg.evoformer.blocks).toBe(2);
    expect(cfg.heads.ptm).toBe(true);
  });

  it('make-params golden is reproducible per seed and inspects to the golden sizes', async () => {
    const a = join(dir, 'a.npz');
    const b = join(dir, 'b.npz');
    expect(await make.run(['--dims', 'golden', '--seed', '3', '--out', a])).toBe(0);
    expect(await make.run(['--dims', 'golden', '--seed', '3', '--out', b])).toBe(0);
    expect(Buffer.compare(readFileSync(a), readFileSync(b))).toBe(0);
    out = [];
    expect(await inspect.run([a])).toBe(0);
    const cfg = JSON.parse(out.join('\n'));
    expect(cfg.parameterCount).toBe(157338);
    const arrays = await readNpz(bufferSource(readFileSync(a)));
    const scale = arrays['alphafold/alphafold_iteration/structure_module/single_layer_norm//scale']
      .data as Float32Array;
    const mean = scale.reduce((x, y) => x + y, 0) / scale.length;
    expect(Math.abs(mean - 1)).toBeLessThan(0.05);
    const w = arrays[
      'alphafold/alphafold_iteration/evoformer/evoformer_iteration/msa_transition/transition1//weights'
    ].data as Float32Array;
    const std = Math.sqrt(w.reduce((x, y) => x + y * y, 0) / w.length);
    expect(std * Math.sqrt(32)).toBeGreaterThan(0.9);
    expect(std * Math.sqrt(32)).toBeLessThan(1.1);
  });

  it('make-params --no-ptm --no-templates leaves those modules out', async () => {
    const f = join(dir, 'm3.npz');
    expect(
      await make.run(['--dims', 'golden', '--seed', '1', '--no-ptm', '--no-templates', '--out', f]),
    ).toBe(0);
    out = [];
    expect(await inspect.run([f])).toBe(0);
    const cfg = JSON.parse(out.join('\n'));
    expect(cfg.template).toBeNull();
    expect(cfg.heads.ptm).toBe(false);
  });

  it('inspect-params rejects a bad file by throwing a message naming the key (exit 1 via main)', async () => {
    const arrays = await readNpz(bufferSource(readFileSync('test/fixtures/golden/params.npz')));
    const key = 'alphafold/alphafold_iteration/masked_msa_head/logits//weights';
    delete arrays[key];
    const f = join(dir, 'missing.npz');
    writeFileSync(f, encodeNpz(arrays));
    await expect(inspect.run([f])).rejects.toThrow(`missing key ${key} (expected shape [32, 23])`);
    const { main } = await import('../main.ts');
    expect(await main(['inspect-params', f])).toBe(1);
    expect(err.join('\n')).toContain(`missing key ${key}`);
  });

  it('usage errors exit 2', async () => {
    expect(await make.run(['--dims', 'huge', '--out', join(dir, 'x.npz')])).toBe(2);
    expect(await make.run(['--dims', 'golden'])).toBe(2);
    expect(await inspect.run([])).toBe(2);
    expect(err.join('\n')).toMatch(/--dims must be golden or full/);
  });
});
