import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadNpz, values } from '../../../test/helpers/golden-npz.ts';
import { run } from './features.ts';

const dir = mkdtempSync(join(tmpdir(), 'webfold-features-'));
const golden = 'test/fixtures/golden';

describe('webfold features', () => {
  it('writes the golden feature dict from query.a3m with --msa-sampling none', async () => {
    const out = join(dir, 'f.npz');
    const g = loadNpz(`${golden}/inputs.npz`);
    const argv = [`${golden}/query.a3m`, '--msa-sampling', 'none', '--clusters', String(g.msa.shape[0])];
    expect(await run([...argv, `--extra=${g.extra_msa.shape[0]}`, '--out', out])).toBe(0);
    const f = loadNpz(out);
    expect(Object.keys(f).sort()).toEqual(Object.keys(g).sort());
    for (const k of Object.keys(g)) {
      expect(f[k].shape, k).toEqual(g[k].shape);
      expect(f[k].dtype, k).toBe(g[k].dtype);
    }
    expect(values(f.extra_cluster_assignment)).toEqual(values(g.extra_cluster_assignment));
  });

  it('takes a FASTA query with --a3m, and a FASTA alone (single sequence)', async () => {
    const fasta = join(dir, 'q.fasta');
    const query = readFileSync(`${golden}/query.a3m`, 'utf8').split('\n')[1];
    writeFileSync(fasta, `>hp35\n${query.toLowerCase()}*\n`);
    const out = join(dir, 'g.npz');
    expect(await run([fasta, '--a3m', `${golden}/query.a3m`, '--seed', '5', '--out', out])).toBe(0);
    expect(loadNpz(out).raw_msa_hhblits_order.shape[0]).toBe(20);
    expect(await run([fasta, '--out', out])).toBe(0);
    expect(loadNpz(out).msa_feat.shape).toEqual([1, query.length, 49]);
  });

  it('fails with a message naming the problem', async () => {
    const bad = join(dir, 'bad.fasta');
    writeFileSync(bad, '>x\nMKV1A\n');
    await expect(run([bad, '--out', join(dir, 'x.npz')])).rejects.toThrow(
      /invalid character '1' at position 4/,
    );
    const badA3m = join(dir, 'bad.a3m');
    writeFileSync(badA3m, '>q\nACDEF\n>s\nACD\n');
    await expect(run([badA3m, '--out', join(dir, 'x.npz')])).rejects.toThrow(
      /row 2 \('s'\): aligned length 3/,
    );
    const empty = join(dir, 'empty.fasta');
    writeFileSync(empty, '');
    await expect(run([empty, '--out', join(dir, 'x.npz')])).rejects.toThrow(/empty/);
    await expect(run([bad])).rejects.toThrow(/--out FILE is required/);
    await expect(run([bad, '--out', 'x', '--clusters', 'many'])).rejects.toThrow(
      /--clusters expects an integer/,
    );
    await expect(run([bad, '--out', 'x', '--msa-sampling', 'random'])).rejects.toThrow(/'af2' or 'none'/);
    await expect(run([bad, '--out', 'x', '--bogus', '1'])).rejects.toThrow(/unknown option '--bogus'/);
    await expect(run([join(dir, 'missing.fasta'), '--out', 'x'])).rejects.toThrow(/cannot read FASTA/);
  });
});
