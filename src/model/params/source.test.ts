import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNpz } from './npz.ts';
import { encodeNpz } from './npz-write.ts';
import { blobSource, bufferSource, subSource, urlSource } from './source.ts';

const body = encodeNpz({
  a: { dtype: 'float32', shape: [30000], data: new Float32Array(30000).map((_, i) => i) },
  b: { dtype: 'int32', shape: [3], data: new Int32Array([1, 2, 3]) },
});
let server: Server;
let base = '';
const ranges: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const range = req.headers.range;
    if (req.url === '/ranged.npz' && range) {
      ranges.push(range);
      const m = /bytes=(\d+)-(\d+)/.exec(range);
      const start = Number(m?.[1]);
      const end = Math.min(Number(m?.[2]), body.length - 1);
      res.writeHead(206, { 'content-range': `bytes ${start}-${end}/${body.length}` });
      res.end(body.subarray(start, end + 1));
    } else if (req.url === '/ranged.npz' || req.url === '/plain.npz') {
      res.writeHead(200, { 'content-length': body.length });
      res.end(body);
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('byte sources', () => {
  it('reads an npz over HTTP Range requests without downloading it whole', async () => {
    const src = await urlSource(`${base}/ranged.npz`);
    expect(src.size).toBe(body.length);
    const arrays = await readNpz(src);
    expect([...(arrays.b.data as Int32Array)]).toEqual([1, 2, 3]);
    expect(ranges.length).toBeGreaterThan(2);
    expect(ranges.every((r) => r !== `bytes=0-${body.length - 1}`)).toBe(true);
  });

  it('falls back to one download when the server ignores Range', async () => {
    const src = await urlSource(`${base}/plain.npz`);
    expect((await readNpz(src)).a.data[999]).toBe(999);
  });

  it('names the URL on HTTP errors', async () => {
    await expect(urlSource(`${base}/nope.npz`)).rejects.toThrow(`${base}/nope.npz: HTTP 404`);
  });

  it('blob, buffer and sub-range sources agree and check bounds', async () => {
    const blob = blobSource(new Blob([body as Uint8Array<ArrayBuffer>]), 'x.npz');
    const buf = bufferSource(body, 'x.npz');
    expect(await blob.read(100, 50)).toEqual(await buf.read(100, 50));
    const sub = subSource(buf, 10, 20);
    expect(await sub.read(5, 5)).toEqual(body.subarray(15, 20));
    await expect(sub.read(18, 5)).rejects.toThrow(/file is truncated/);
    await expect(buf.read(body.length - 2, 5)).rejects.toThrow(/x\.npz: file is truncated/);
  });
});
