import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BufferPool, readFloat32 } from '../../src/gpu/buffers.ts';
import type { GpuContext } from '../../src/gpu/device.ts';
import { DeviceLimitError } from '../../src/gpu/errors.ts';
import { type KernelDescriptor, PipelineCache } from '../../src/gpu/kernel.ts';
import { Recorder } from '../../src/gpu/launch.ts';
import { acquireNodeDevice } from '../../src/gpu/node.ts';
import scaleWgsl from './scale.wgsl?raw';

function scaleKernel(factor: number, wg = 64): KernelDescriptor<{ n: number; offset: number }> {
  return {
    name: 'test-scale',
    source: scaleWgsl,
    constants: { FACTOR: factor, WG: wg },
    bindings: [
      { name: 'x', kind: 'read-only-storage' },
      { name: 'y', kind: 'storage' },
      { name: 'params', kind: 'uniform' },
    ],
    workgroups: ({ n }) => [Math.ceil(n / wg), 1, 1],
    uniforms: ({ n, offset }) => {
      const u = new Uint32Array(4);
      u[0] = n;
      new Float32Array(u.buffer)[1] = offset;
      return u;
    },
  };
}

describe('gpu runtime (real Dawn device)', () => {
  let ctx: GpuContext;
  beforeAll(async () => {
    ctx = await acquireNodeDevice({ label: 'runtime-test' });
  });
  afterAll(() => ctx?.device.destroy());

  it('acquires a device with the adapter limits', () => {
    expect(ctx.adapter.limits.maxStorageBufferBindingSize).toBeGreaterThanOrEqual(128 << 20);
    expect(ctx.device.limits.maxStorageBufferBindingSize).toBe(
      ctx.adapter.limits.maxStorageBufferBindingSize,
    );
    expect(ctx.adapter.features.length).toBeGreaterThan(0);
  });

  it('runs a kernel with override constants and uniforms, caching pipelines per key', async () => {
    const cache = new PipelineCache(ctx.device);
    const pool = new BufferPool(ctx.device);
    const n = 1000;
    const x = Float32Array.from({ length: n }, (_, i) => i);
    const bx = pool.upload(x, 'x');
    const by = pool.acquire(n * 4, 'y');
    const rec = new Recorder(ctx, cache, 'scale');
    await rec.dispatch(scaleKernel(2), { n, offset: 0.5 }, { x: bx, y: by });
    await rec.dispatch(scaleKernel(2), { n, offset: 0.5 }, { x: by, y: bx });
    rec.submit();
    const out = await readFloat32(ctx.device, bx, n);
    expect(out[7]).toBe((7 * 2 + 0.5) * 2 + 0.5);
    expect(out[999]).toBe((999 * 2 + 0.5) * 2 + 0.5);
    expect(rec.dispatches).toBe(2);
    expect(cache.size).toBe(1);
    await cache.get(scaleKernel(3));
    expect(cache.size).toBe(2);
  });

  it('pools buffers and reports live and peak bytes', () => {
    const pool = new BufferPool(ctx.device);
    const a = pool.acquire(1000, 'a');
    const b = pool.acquire(30, 'b');
    expect(pool.stats.liveBytes).toBe(1008 + 32);
    pool.release(a);
    const c = pool.acquire(1001, 'c');
    expect(c).toBe(a);
    expect(c.label).toBe('c');
    expect(pool.stats.allocations).toBe(2);
    pool.release(b);
    pool.release(c);
    expect(pool.stats.liveBytes).toBe(0);
    expect(pool.stats.peakBytes).toBe(1040);
    pool.destroy();
    expect(pool.stats.heldBytes).toBe(0);
  });

  it('names the limit, the need and the adapter value when a buffer is too large', () => {
    const pool = new BufferPool(ctx.device);
    const max = ctx.device.limits.maxStorageBufferBindingSize;
    expect(() => pool.acquire(max + 16, 'huge')).toThrow(DeviceLimitError);
    expect(() => pool.acquire(max + 16, 'huge')).toThrow(
      /device limit max(Buffer|StorageBufferBinding)Size .*'huge': needs \d+, the adapter allows \d+/,
    );
  });

  it('reports WGSL errors with the kernel name and line', async () => {
    const cache = new PipelineCache(ctx.device);
    const bad = { ...scaleKernel(1), name: 'test-broken', source: 'fn main( {' };
    await expect(cache.get(bad)).rejects.toThrow(
      /WGSL compilation failed for test-broken:\ntest-broken\.wgsl:1:/,
    );
  });
});
