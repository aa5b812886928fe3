/**
 * Chunk sizes respect the buffer (binding) cap and the workgroup limit across lengths, and the
 * predicted peak is what the real BufferPool measures when the plan's buffers are acquired and
 * released stage by stage.
 */
import { describe, expect, it } from 'vitest';
import { BufferPool } from '../../gpu/buffers.ts';
import { buildPlan } from './build-plan.ts';
import { type DeviceProfile, SMALL_DEVICE } from './device-profile.ts';
import { planModelFromPreset } from './model-source.ts';
import { liveBytesByStage } from './plan-json.ts';
import type { ExecutionPlan } from './types.ts';

const GiB = 2 ** 30;
const full = planModelFromPreset('full');
const BIG: DeviceProfile = {
  name: 'large device',
  features: ['shader-f16'],
  limits: { ...SMALL_DEVICE.limits, maxStorageBufferBindingSize: 2 * GiB - 4, maxBufferSize: 4 * GiB },
};

function checkLimits(p: ExecutionPlan): void {
  const maxWg = p.device.limits.maxComputeWorkgroupsPerDimension;
  for (const b of p.buffers) {
    expect(b.bytes % 16, b.name).toBe(0);
    expect(b.bytes, b.name).toBeLessThanOrEqual(p.maxBufferBytes);
    expect(b.bytes, b.name).toBeLessThanOrEqual(p.device.limits.maxStorageBufferBindingSize);
    expect(b.from, b.name).toBeLessThanOrEqual(b.to);
  }
  for (const m of p.modules) {
    for (const [k, v] of Object.entries(m.chunks)) {
      expect(Number.isInteger(v) && v >= 1, `${m.name}.${k} = ${v}`).toBe(true);
    }
    for (const d of m.dispatches) {
      for (const g of d.grid) expect(g, `${m.name} ${d.kernel} [${d.grid}]`).toBeLessThanOrEqual(maxWg);
    }
  }
}

describe('limits across lengths', () => {
  for (const L of [1, 7, 33, 65, 1000, 2048, 4096]) {
    it(`N_res = ${L}: buffers within the cap, grids within 65,535 (small and large device)`, () => {
      for (const device of [SMALL_DEVICE, BIG]) {
        for (const precision of ['f32', 'f16'] as const) {
          const p = buildPlan({
            model: full,
            sizes: { nRes: L, nSeq: Math.min(512, 3 * L), nExtra: Math.min(1024, 5 * L), nTempl: 4 },
            device,
            precision,
          });
          checkLimits(p);
        }
      }
    });
  }

  it('the workgroup limit shortens chunks when buffers would allow more', () => {
    const p = buildPlan({
      model: full,
      sizes: { nRes: 4096, nSeq: 64, nExtra: 64, nTempl: 0 },
      device: BIG,
      chunkTargetBytes: 2 * GiB - 4,
    });
    checkLimits(p);
    const tr = p.modules.find((m) => m.name === 'evoformer.pair_transition');
    // matmul grid y = ⌈R·N_res / 64⌉ ≤ 65,535 → R ≤ 1023 at N_res = 4096.
    expect(tr?.chunks.rows).toBeLessThanOrEqual(1023);
  });

  it('row chunks never exceed the segment of the tensor they walk', () => {
    const p = buildPlan({ model: full, sizes: { nRes: 2048, nSeq: 512, nExtra: 1024, nTempl: 0 } });
    const z = p.tensors.find((t) => t.name === 'z');
    expect(z?.segments).toBeGreaterThan(1);
    const pt = p.modules.find((m) => m.name === 'evoformer.pair_transition');
    expect(pt?.chunks.rows).toBeLessThanOrEqual(z?.rowsPerSegment ?? 0);
  });
});

/** A stand-in GPUDevice: BufferPool only reads `limits` and calls createBuffer. */
function fakeDevice(maxBuffer: number): GPUDevice {
  const limits = { maxBufferSize: maxBuffer, maxStorageBufferBindingSize: maxBuffer };
  return {
    limits,
    createBuffer: (d: GPUBufferDescriptor) => ({
      size: d.size,
      usage: d.usage,
      label: d.label,
      destroy() {},
    }),
  } as unknown as GPUDevice;
}

/** Acquires each buffer at the start of its first stage, releases it after its last. */
function replay(p: ExecutionPlan): number {
  const pool = new BufferPool(fakeDevice(p.maxBufferBytes));
  const live = new Map<string, GPUBuffer>();
  for (const s of p.stages) {
    for (const b of p.buffers) if (b.from === s.index) live.set(b.name, pool.acquire(b.bytes, b.name));
    for (const b of p.buffers) {
      if (b.to === s.index) {
        pool.release(live.get(b.name) as GPUBuffer);
        live.delete(b.name);
      }
    }
  }
  return pool.stats.peakBytes;
}

describe('prediction = measurement (BufferPool replay)', () => {
  for (const [preset, L, T] of [
    ['golden', 35, 2],
    ['golden', 7, 0],
    ['full', 64, 4],
    ['full', 1024, 0],
  ] as const) {
    it(`${preset} N_res = ${L}, ${T} templates`, () => {
      const p = buildPlan({
        model: planModelFromPreset(preset),
        sizes: { nRes: L, nSeq: 8, nExtra: 12, nTempl: T },
        precision: 'f16',
      });
      expect(liveBytesByStage(p)).toEqual(p.stages.map((s) => s.liveBytes));
      expect(p.peak.bytes).toBe(Math.max(...p.stages.map((s) => s.liveBytes)));
      expect(replay(p)).toBe(p.peak.bytes);
    });
  }
});
