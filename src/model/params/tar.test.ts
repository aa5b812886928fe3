import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspectParams, resolveNpz } from './load.ts';
import { readNpz } from './npz.ts';
import { encodeNpz } from './npz-write.ts';
import { bufferSource } from './source.ts';
import { listTar, tarModelNames, tarModelSource } from './tar.ts';

type Style = 'ustar' | 'gnu-long' | 'pax';

function header(name: string, size: number, type: string, style: Style): Uint8Array {
  const h = new Uint8Array(512);
  const put = (s: string, at: number, len: number) => h.set(new TextEncoder().encode(s).subarray(0, len), at);
  put(name, 0, 100);
  put('0000644\0', 100, 8);
  put('0000000\0', 108, 8);
  put('0000000\0', 116, 8);
  put(`${size.toString(8).padStart(11, '0')}\0`, 124, 12);
  put('14000000000\0', 136, 12);
  put(type, 156, 1);
  put(style === 'gnu-long' ? 'ustar  \0' : 'ustar\u000000', 257, 8);
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i];
  put(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8);
  return h;
}

function padded(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(data.length / 512) * 512);
  out.set(data);
  return out;
}

/** A tar in one of three header styles; pax also overrides the size field. */
function makeTar(files: [string, Uint8Array][], style: Style = 'ustar'): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const [name, data] of files) {
    if (style === 'gnu-long') {
      const n = new TextEncoder().encode(`${name}\0`);
      parts.push(header('././@LongLink', n.length, 'L', style), padded(n));
      parts.push(header(name.slice(0, 99), data.length, '0', style), padded(data));
    } else if (style === 'pax') {
      const rec = (k: string, v: string) => {
        const body = ` ${k}=${v}\n`;
        let len = body.length + 1;
        while (`${len}${body}`.length !== len) len++;
        return `${len}${body}`;
      };
      const pax = new TextEncoder().encode(rec('path', name) + rec('size', String(data.length)));
      parts.push(header('PaxHeaders/x', pax.length, 'x', style), padded(pax));
      parts.push(header('placeholder', 0, '0', style), padded(data)); // real size from pax
    } else {
      parts.push(header(name, data.length, '0', style), padded(data));
    }
  }
  parts.push(new Uint8Array(1024));
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const golden = readFileSync('test/fixtures/golden/params.npz');
const small = encodeNpz({ x: { dtype: 'float32', shape: [2], data: new Float32Array([1, 2]) } });

describe('tar', () => {
  for (const style of ['ustar', 'gnu-long', 'pax'] as Style[]) {
    it(`lists members and picks one model (${style})`, async () => {
      const longDir = 'params/'.repeat(style === 'ustar' ? 1 : 20);
      const tar = makeTar(
        [
          [`${longDir}LICENSE`, new TextEncoder().encode('CC BY 4.0')],
          [`${longDir}params_model_1.npz`, small],
          [`${longDir}params_model_1_ptm.npz`, new Uint8Array(golden)],
          [`${longDir}params_model_1_multimer_v3.npz`, small],
        ],
        style,
      );
      const members = await listTar(bufferSource(tar, 'af.tar'));
      expect(members.map((m) => m.name)).toEqual([
        `${longDir}LICENSE`,
        `${longDir}params_model_1.npz`,
        `${longDir}params_model_1_ptm.npz`,
        `${longDir}params_model_1_multimer_v3.npz`,
      ]);
      const sub = await tarModelSource(bufferSource(tar, 'af.tar'), 'model_1_ptm');
      expect(sub.size).toBe(golden.length);
      const arrays = await readNpz(sub);
      expect(Object.keys(arrays).length).toBe(338);
      const { config } = await inspectParams(bufferSource(tar, 'af.tar'), { model: 'model_1_ptm' });
      expect(config.c_m).toBe(32);
    });
  }

  it('a tar without the requested model names the model and lists what it has', async () => {
    const tar = makeTar([
      ['params_model_1.npz', small],
      ['params_model_2.npz', small],
    ]);
    await expect(tarModelSource(bufferSource(tar, 'af.tar'), 'model_3_ptm')).rejects.toThrow(
      /af\.tar: no model 'model_3_ptm' \(params_model_3_ptm\.npz\) in the tar; it holds model_1, model_2/,
    );
    await expect(resolveNpz(bufferSource(tar, 'af.tar'))).rejects.toThrow(
      /pick one with --model-name \(model_1, model_2\)/,
    );
  });

  it('a single-model tar needs no --model-name', async () => {
    const tar = makeTar([['params_model_1.npz', small]]);
    const npz = await resolveNpz(bufferSource(tar, 'one.tar'));
    expect(npz.name).toBe('one.tar:params_model_1.npz');
  });

  it('a truncated tar names the member', async () => {
    const tar = makeTar([['params_model_1_ptm.npz', new Uint8Array(golden)]]);
    await expect(listTar(bufferSource(tar.subarray(0, 20000), 'cut.tar'))).rejects.toThrow(
      /cut\.tar: tar archive is truncated \(member params_model_1_ptm\.npz/,
    );
  });

  it('a corrupt tar header is reported', async () => {
    const tar = makeTar([['params_model_1.npz', small]]);
    tar[10] ^= 0x55;
    await expect(listTar(bufferSource(tar, 'bad.tar'))).rejects.toThrow(
      /bad\.tar: corrupt tar header at byte 0/,
    );
  });
});

describe('tar written by Python tarfile', () => {
  const hasPython = (() => {
    try {
      execFileSync('python3', ['-c', 'import tarfile'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();

  for (const format of ['GNU_FORMAT', 'PAX_FORMAT', 'USTAR_FORMAT']) {
    it.runIf(hasPython)(`reads ${format}`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'webfold-tar-'));
      writeFileSync(join(dir, 'params_model_1_ptm.npz'), golden);
      const deep = format === 'USTAR_FORMAT' ? 'd' : 'd'.repeat(120);
      execFileSync('python3', [
        '-c',
        `import tarfile, sys
with tarfile.open(sys.argv[1], 'w', format=tarfile.${format}) as t:
    t.add(sys.argv[2], arcname='${deep}/params_model_1_ptm.npz')
    t.add(sys.argv[2], arcname='params_model_2.npz')`,
        join(dir, 'a.tar'),
        join(dir, 'params_model_1_ptm.npz'),
      ]);
      const src = bufferSource(readFileSync(join(dir, 'a.tar')), 'a.tar');
      expect(tarModelNames(await listTar(src))).toEqual(['model_1_ptm', 'model_2']);
      const { config } = await inspectParams(src, { model: 'model_1_ptm' });
      expect(config.parameterCount).toBe(157338);
    });
  }
});
