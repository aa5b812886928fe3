/**
 * Device profiles the planner plans for: an adapter's real limits (an `AdapterSummary`, or the
 * `webfold doctor --json` report), or the small-device profile when no adapter is known.
 */
import { type AdapterSummary, type PlannedLimit, WEBGPU_DEFAULT_LIMITS } from '../../gpu/device.ts';
import type { PlanLimits } from './types.ts';

export interface DeviceProfile {
  name: string;
  features: string[];
  limits: Record<PlannedLimit, number>;
}

/**
 * WebGPU's default limits (what every adapter guarantees): 128 MiB bindings, 256 MiB buffers,
 * 65,535 workgroups per dimension. It lists shader-f16 so that f16 plans can be made without an
 * adapter at hand; with a real adapter, the adapter's features decide.
 */
export const SMALL_DEVICE: DeviceProfile = {
  name: 'small device (WebGPU default limits)',
  features: ['shader-f16'],
  limits: { ...WEBGPU_DEFAULT_LIMITS },
};

/** A profile from an adapter summary (src/gpu/device.ts). */
export function profileFromAdapter(a: AdapterSummary): DeviceProfile {
  const name = [a.vendor, a.architecture, a.device, a.description].filter(Boolean).join(' / ') || 'adapter';
  return { name, features: [...a.features], limits: { ...SMALL_DEVICE.limits, ...a.limits } };
}

/**
 * A profile from JSON: an AdapterSummary, or `webfold doctor --json` output
 * (`{ adapter, features, limits }`). Missing limits take WebGPU's defaults.
 */
export function profileFromJson(json: unknown, name = 'adapter'): DeviceProfile {
  const o = (json ?? {}) as {
    adapter?: { vendor?: string; architecture?: string; description?: string };
    features?: unknown;
    limits?: Record<string, unknown>;
    vendor?: string;
    architecture?: string;
  };
  const limits = { ...SMALL_DEVICE.limits };
  for (const [k, v] of Object.entries(o.limits ?? {})) {
    if (k in limits && typeof v === 'number' && Number.isFinite(v)) limits[k as PlannedLimit] = v;
  }
  const who = o.adapter ?? o;
  const label = [who.vendor, who.architecture].filter(Boolean).join(' / ');
  const features = Array.isArray(o.features)
    ? o.features.filter((f): f is string => typeof f === 'string')
    : [];
  return { name: label || name, features, limits };
}

export function planLimits(d: DeviceProfile): PlanLimits {
  return {
    maxStorageBufferBindingSize: d.limits.maxStorageBufferBindingSize,
    maxBufferSize: d.limits.maxBufferSize,
    maxComputeWorkgroupsPerDimension: d.limits.maxComputeWorkgroupsPerDimension,
  };
}
