/**
 * Buffer pool: size-exact reuse of released buffers, labels on every buffer, and an honest count
 * of live and peak bytes (what the memory planner's prediction is checked against).
 */
import { DeviceLimitError } from './errors.ts';
import { BufferUsage, MapMode } from './usage.ts';

/** Storage bindings must be 4-byte multiples; we round sizes to 16 for vec4 access. */
export function alignedSize(byteLength: number): number {
  return Math.max(16, Math.ceil(byteLength / 16) * 16);
}

export interface PoolStats {
  /** Bytes in buffers currently handed out. */
  liveBytes: number;
  /** Highest liveBytes seen since creation or the last resetPeak(). */
  peakBytes: number;
  /** Bytes held on the device: live plus released-but-kept. */
  heldBytes: number;
  /** createBuffer calls made. */
  allocations: number;
}

export const STORAGE_USAGE = BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST;

export class BufferPool {
  private readonly free = new Map<string, GPUBuffer[]>();
  private readonly live = new Set<GPUBuffer>();
  readonly stats: PoolStats = { liveBytes: 0, peakBytes: 0, heldBytes: 0, allocations: 0 };

  constructor(readonly device: GPUDevice) {}

  /** A buffer of at least `byteLength` bytes (rounded to 16), reused if a released one fits exactly. */
  acquire(byteLength: number, label: string, usage: GPUBufferUsageFlags = STORAGE_USAGE): GPUBuffer {
    const size = alignedSize(byteLength);
    const { limits } = this.device;
    if (size > limits.maxBufferSize) {
      throw new DeviceLimitError('maxBufferSize', size, limits.maxBufferSize, `buffer '${label}'`);
    }
    if (usage & BufferUsage.STORAGE && size > limits.maxStorageBufferBindingSize) {
      throw new DeviceLimitError(
        'maxStorageBufferBindingSize',
        size,
        limits.maxStorageBufferBindingSize,
        `storage buffer '${label}'`,
      );
    }
    const key = `${usage}:${size}`;
    let buf = this.free.get(key)?.pop();
    if (buf) {
      buf.label = label;
    } else {
      buf = this.device.createBuffer({ label, size, usage });
      this.stats.allocations++;
      this.stats.heldBytes += size;
    }
    this.live.add(buf);
    this.stats.liveBytes += size;
    this.stats.peakBytes = Math.max(this.stats.peakBytes, this.stats.liveBytes);
    return buf;
  }

  /** A storage buffer holding `data`. */
  upload(data: ArrayBufferView, label: string, usage: GPUBufferUsageFlags = STORAGE_USAGE): GPUBuffer {
    const buf = this.acquire(data.byteLength, label, usage | BufferUsage.COPY_DST);
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    // writeBuffer needs a 4-byte multiple; pad the tail.
    const padded = data.byteLength % 4 === 0 ? bytes : copyPadded(bytes);
    this.device.queue.writeBuffer(buf, 0, padded as Uint8Array<ArrayBuffer>);
    return buf;
  }

  /** Returns a buffer to the pool for reuse. */
  release(buf: GPUBuffer): void {
    if (!this.live.delete(buf)) return;
    this.stats.liveBytes -= buf.size;
    const key = `${buf.usage}:${buf.size}`;
    const list = this.free.get(key);
    if (list) list.push(buf);
    else this.free.set(key, [buf]);
  }

  resetPeak(): void {
    this.stats.peakBytes = this.stats.liveBytes;
  }

  /** Destroys released buffers, keeping live ones. */
  trim(): void {
    for (const list of this.free.values()) {
      for (const b of list) {
        this.stats.heldBytes -= b.size;
        b.destroy();
      }
    }
    this.free.clear();
  }

  destroy(): void {
    this.trim();
    for (const b of this.live) {
      this.stats.heldBytes -= b.size;
      b.destroy();
    }
    this.live.clear();
    this.stats.liveBytes = 0;
  }
}

function copyPadded(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(bytes.byteLength / 4) * 4);
  out.set(bytes);
  return out;
}

/** Copies `byteLength` bytes of `src` to the host. Waits for the queue. */
export async function readBuffer(
  device: GPUDevice,
  src: GPUBuffer,
  byteLength = src.size,
): Promise<ArrayBuffer> {
  const size = Math.ceil(byteLength / 4) * 4;
  const staging = device.createBuffer({
    label: `readback of ${src.label}`,
    size,
    usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST,
  });
  const enc = device.createCommandEncoder({ label: `readback of ${src.label}` });
  enc.copyBufferToBuffer(src, 0, staging, 0, size);
  device.queue.submit([enc.finish()]);
  try {
    await staging.mapAsync(MapMode.READ);
    return staging.getMappedRange().slice(0, byteLength);
  } finally {
    staging.destroy();
  }
}

export async function readFloat32(device: GPUDevice, src: GPUBuffer, length: number): Promise<Float32Array> {
  return new Float32Array(await readBuffer(device, src, length * 4));
}
