/**
 * Kernel launch: records dispatches of kernel descriptors into one command encoder and submits
 * them together. Counts dispatches (the countable measure of fusion) and checks workgroup counts
 * against the device limit before WebGPU would reject them.
 */
import type { GpuContext } from './device.ts';
import { DeviceLimitError } from './errors.ts';
import type { KernelDescriptor, PipelineCache } from './kernel.ts';
import { BufferUsage } from './usage.ts';

export type BufferArg = GPUBuffer | GPUBufferBinding;

export class Recorder {
  /** Dispatches recorded since creation. */
  dispatches = 0;
  /**
   * Names of the sections begun with `section()`, in order. Each section starts a new compute
   * pass, so a profiler that timestamps passes (bench/evoformer.ts) can time each module.
   */
  readonly sections: string[] = [];
  private encoder: GPUCommandEncoder;
  private pass: GPUComputePassEncoder | undefined;
  private transient: GPUBuffer[] = [];

  constructor(
    readonly ctx: GpuContext,
    readonly cache: PipelineCache,
    readonly label = 'webfold',
  ) {
    this.encoder = ctx.device.createCommandEncoder({ label });
  }

  /** Records one dispatch of `k` at runtime sizes `dims`, binding `buffers` by WGSL variable name. */
  async dispatch<D>(k: KernelDescriptor<D>, dims: D, buffers: Record<string, BufferArg>): Promise<void> {
    this.ctx.assertAlive();
    const { device } = this.ctx;
    const compiled = await this.cache.get(k);
    const counts = k.workgroups(dims);
    const maxPerDim = device.limits.maxComputeWorkgroupsPerDimension;
    for (const n of counts) {
      if (n > maxPerDim) {
        throw new DeviceLimitError('maxComputeWorkgroupsPerDimension', n, maxPerDim, `${compiled.label}`);
      }
    }
    const entries: GPUBindGroupEntry[] = k.bindings.map((b, i) => {
      if (b.kind === 'uniform' && b.name === 'params' && k.uniforms) {
        return { binding: i, resource: { buffer: this.uniformBuffer(k.uniforms(dims), compiled.label) } };
      }
      const arg = buffers[b.name];
      if (!arg) throw new Error(`${compiled.label}: no buffer given for binding '${b.name}'`);
      return { binding: i, resource: 'buffer' in arg ? arg : { buffer: arg } };
    });
    const bindGroup = device.createBindGroup({ label: compiled.label, layout: compiled.layout, entries });
    this.pass ??= this.encoder.beginComputePass({ label: `${this.label} pass` });
    this.pass.setPipeline(compiled.pipeline);
    this.pass.setBindGroup(0, bindGroup);
    if (counts[0] > 0 && counts[1] > 0 && counts[2] > 0) this.pass.dispatchWorkgroups(...counts);
    this.dispatches++;
  }

  /** Starts a named section (a module): the next dispatch opens a new compute pass. */
  section(name: string): void {
    this.pass?.end();
    this.pass = undefined;
    this.sections.push(name);
  }

  /** Ends the pass for a copy or other encoder command; the next dispatch opens a new pass. */
  get commandEncoder(): GPUCommandEncoder {
    this.pass?.end();
    this.pass = undefined;
    return this.encoder;
  }

  /** Submits everything recorded and starts a fresh encoder. */
  submit(): void {
    const enc = this.commandEncoder;
    this.ctx.device.queue.submit([enc.finish()]);
    const done = this.transient;
    this.transient = [];
    this.ctx.device.queue.onSubmittedWorkDone().then(() => {
      for (const b of done) b.destroy();
    });
    this.encoder = this.ctx.device.createCommandEncoder({ label: this.label });
  }

  private uniformBuffer(data: Uint32Array, label: string): GPUBuffer {
    const buf = this.ctx.device.createBuffer({
      label: `${label} params`,
      size: Math.max(16, Math.ceil(data.byteLength / 16) * 16),
      usage: BufferUsage.UNIFORM,
      mappedAtCreation: true,
    });
    new Uint32Array(buf.getMappedRange()).set(data);
    buf.unmap();
    this.transient.push(buf);
    return buf;
  }
}
