/**
 * `webfold doctor [--json]` — the WebGPU adapter Node sees (vendor, architecture, description,
 * fallback), its features and limits, and the kernel self-test against the CPU reference.
 * Exit code 0 only if a device was created and every self-test check passed.
 */

import { runSelfTest, type SelfTestReport } from '../../engine/selftest.ts';
import type { GpuContext } from '../../gpu/device.ts';
import { GpuError } from '../../gpu/errors.ts';
import { acquireNodeDevice, DRIVER_HELP } from '../../gpu/node.ts';

export const summary = 'show the WebGPU adapter, features and limits, and run the kernel self-test';

export const usage = `usage: webfold doctor [--json]

Acquires a WebGPU device in Node (Dawn, npm package 'webgpu'), prints the adapter (vendor,
architecture, description, whether it is a fallback/software adapter), its features and limits,
and runs the kernel self-test (matmul epilogues, layer norm) against the CPU reference.
  --json    print one JSON object { adapter, features, limits, deviceLimits, selfTest } only

Exit status: 0 if the self-test passes, 1 if it fails or no adapter is available, 2 on bad usage.
The Vulkan driver can be chosen with VK_ICD_FILENAMES (see scripts/install-system.sh).`;

export interface DoctorReport {
  adapter: {
    vendor: string;
    architecture: string;
    device: string;
    description: string;
    isFallbackAdapter: boolean;
  };
  features: string[];
  /** The adapter's limits (what the device was requested with). */
  limits: Record<string, number>;
  /** The created device's limits, for the same names. */
  deviceLimits: Record<string, number>;
  /** Optional features the engine uses, as enabled on the device. */
  enabled: { shaderF16: boolean; subgroups: boolean; timestampQuery: boolean };
  selfTest: SelfTestReport;
}

function fmtNumber(x: number): string {
  return Number.isNaN(x) ? 'NaN' : x.toExponential(2);
}

function printText(r: DoctorReport): void {
  const a = r.adapter;
  const lines = [
    `adapter      ${a.vendor || '?'} / ${a.architecture || '?'}${a.device ? ` / ${a.device}` : ''}${
      a.isFallbackAdapter ? '  (fallback adapter)' : ''
    }`,
    `description  ${a.description || '-'}`,
    `features     ${r.features.join(', ') || '-'}`,
    `enabled      shader-f16 ${r.enabled.shaderF16 ? 'yes' : 'no'}, subgroups ${
      r.enabled.subgroups ? 'yes' : 'no'
    }, timestamp-query ${r.enabled.timestampQuery ? 'yes' : 'no'}`,
    'limits',
    ...Object.entries(r.limits).map(([k, v]) => `  ${k.padEnd(36)} ${v}`),
    '',
    `self-test    ${r.selfTest.passed ? 'PASSED' : 'FAILED'} (${r.selfTest.checks.length} checks, ${Math.round(
      r.selfTest.totalMs,
    )} ms)`,
    ...r.selfTest.checks.map(
      (c) =>
        `  ${c.passed ? 'ok  ' : 'FAIL'} ${c.name.padEnd(34)} ${c.shape.padEnd(22)} max|err| ${fmtNumber(
          c.maxAbsError,
        )} ≤ ${fmtNumber(c.tolerance)}  ${Math.round(c.ms)} ms`,
    ),
  ];
  console.log(lines.join('\n'));
}

export async function doctorReport(ctx: GpuContext): Promise<DoctorReport> {
  const { adapter, device } = ctx;
  const deviceLimits: Record<string, number> = {};
  for (const name of Object.keys(adapter.limits)) {
    deviceLimits[name] = Number(device.limits[name as keyof GPUSupportedLimits]);
  }
  return {
    adapter: {
      vendor: adapter.vendor,
      architecture: adapter.architecture,
      device: adapter.device,
      description: adapter.description,
      isFallbackAdapter: adapter.isFallbackAdapter,
    },
    features: adapter.features,
    limits: { ...adapter.limits },
    deviceLimits,
    enabled: { shaderF16: ctx.hasF16, subgroups: ctx.hasSubgroups, timestampQuery: ctx.hasTimestamps },
    selfTest: await runSelfTest(ctx),
  };
}

export async function run(argv: string[]): Promise<number> {
  const json = argv.includes('--json');
  const unknown = argv.filter((a) => a !== '--json');
  if (unknown.length) {
    console.error(`webfold doctor: unknown argument '${unknown[0]}'\n\n${usage}`);
    return 2;
  }
  let ctx: GpuContext;
  try {
    ctx = await acquireNodeDevice({ label: 'webfold doctor' });
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    if (err instanceof GpuError && msg === DRIVER_HELP) console.error(`webfold doctor: ${msg}`);
    else console.error(`webfold doctor: cannot create a WebGPU device: ${msg}\n${DRIVER_HELP}`);
    if (json) console.log(JSON.stringify({ error: msg, help: DRIVER_HELP }));
    return 1;
  }
  try {
    const report = await doctorReport(ctx);
    if (json) console.log(JSON.stringify(report, null, 2));
    else printText(report);
    return report.selfTest.passed ? 0 : 1;
  } finally {
    ctx.device.destroy();
  }
}
