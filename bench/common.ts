/** Helpers shared by the GPU benchmarks (bench/matmul.ts, bench/evoformer.ts, bench/dap.ts). */
import type { GpuContext } from '../src/gpu/device.ts';

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Cheap deterministic values in [lo, hi); speed does not depend on them. */
export function fill(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = lo + (hi - lo) * (s / 4294967296);
  }
  return out;
}

/** A file-name-safe name of the adapter (vendor-architecture-device) for bench/results/. */
export function adapterSlug(ctx: GpuContext): string {
  const a = ctx.adapter;
  const dev = a.device.split(/[\s-]/)[0] ?? '';
  const parts = [a.vendor, a.architecture, dev].filter((p) => p && !/^0x/.test(p));
  const slug = [...new Set(parts)]
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return slug || 'unknown-adapter';
}

/** A CPU rasteriser (lavapipe, SwiftShader, a fallback adapter): its times say nothing of GPUs. */
export function isSoftwareAdapter(ctx: GpuContext): boolean {
  const a = ctx.adapter;
  return (
    a.isFallbackAdapter ||
    /llvmpipe|lavapipe|swiftshader|software|mesa-software/i.test(
      `${a.vendor} ${a.architecture} ${a.device} ${a.description}`,
    )
  );
}
