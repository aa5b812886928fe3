/**
 * Collectives on GPU buffers. WebGPU has no copies between devices, so an exchange is: copy the
 * outgoing bytes into a MAP_READ staging buffer and map it (readback), hand the bytes to the
 * Collective, and write what arrives with queue.writeBuffer. Readbacks go in pieces of at most
 * `pieceBytes` through two staging buffers, so one piece is mapped while the next is copied
 * (the planner's `dap.readback.0/1`).
 *
 * Buffers hold P equal parts laid end to end: part k at k·partBytes (the engine packs the parts;
 * see reshard.ts for the layout a re-split needs).
 */
import { BufferUsage, MapMode } from '../../gpu/usage.ts';
import type { Collective, Pending } from './collective.ts';

export const DEFAULT_PIECE_BYTES = 16 * 2 ** 20;

/** Two reusable readback buffers of one device. */
export class ReadbackStaging {
  private readonly buffers: GPUBuffer[];
  private turn = 0;
  private readonly busy: Promise<unknown>[] = [Promise.resolve(), Promise.resolve()];

  constructor(
    readonly device: GPUDevice,
    readonly pieceBytes = DEFAULT_PIECE_BYTES,
  ) {
    if (pieceBytes % 4 !== 0 || pieceBytes <= 0)
      throw new RangeError(`DAP: pieceBytes ${pieceBytes} must be a positive multiple of 4`);
    this.buffers = [0, 1].map((k) =>
      device.createBuffer({
        label: `dap.readback.${k}`,
        size: pieceBytes,
        usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST,
      }),
    );
  }

  /** Bytes [offset, offset + size) of `src` (offset and size multiples of 4) on the host. */
  async read(src: GPUBuffer, offset: number, size: number): Promise<Uint8Array> {
    if (offset % 4 !== 0 || size % 4 !== 0)
      throw new RangeError(`DAP: readback offset ${offset} and size ${size} must be multiples of 4`);
    const out = new Uint8Array(size);
    const pieces: Promise<void>[] = [];
    for (let at = 0; at < size; at += this.pieceBytes) {
      const n = Math.min(this.pieceBytes, size - at);
      const k = this.turn;
      this.turn ^= 1;
      const staging = this.buffers[k];
      // Wait until this staging buffer's previous piece has been copied out, then reuse it.
      const piece = this.busy[k].then(async () => {
        const enc = this.device.createCommandEncoder({ label: `dap readback of ${src.label}` });
        enc.copyBufferToBuffer(src, offset + at, staging, 0, n);
        this.device.queue.submit([enc.finish()]);
        await staging.mapAsync(MapMode.READ, 0, n);
        out.set(new Uint8Array(staging.getMappedRange(0, n)), at);
        staging.unmap();
      });
      this.busy[k] = piece.catch(() => undefined);
      pieces.push(piece);
    }
    await Promise.all(pieces);
    return out;
  }

  destroy(): void {
    for (const b of this.buffers) b.destroy();
  }
}

/** writeBuffer takes views of plain ArrayBuffers; copies a view of shared memory into one. */
export function own(b: Uint8Array): Uint8Array<ArrayBuffer> {
  return b.buffer instanceof ArrayBuffer ? (b as Uint8Array<ArrayBuffer>) : new Uint8Array(b);
}

function later<T>(p: Promise<T>): Pending<T> {
  p.catch(() => undefined);
  return { wait: () => p };
}

/**
 * All-gather on a GPU buffer of P parts: this rank's part (rank·partBytes) is read back, sent,
 * and every other rank's part written into its place. Start it when the local part is written;
 * wait before reading the other parts.
 */
export function allGatherBufferStart(
  coll: Collective,
  staging: ReadbackStaging,
  buffer: GPUBuffer,
  partBytes: number,
): Pending<void> {
  const { rank, size } = coll;
  return later(
    (async () => {
      const mine = await staging.read(buffer, rank * partBytes, partBytes);
      const parts = await coll.allGatherStart(mine).wait();
      for (let k = 0; k < size; k++)
        if (k !== rank) staging.device.queue.writeBuffer(buffer, k * partBytes, own(parts[k]));
    })(),
  );
}

/**
 * All-to-all between GPU buffers of P parts: part k of `src` goes to rank k, and the part from
 * rank k lands at part k of `dst` (`dst` may be `src`: parts are read back before any is written).
 */
export function allToAllBufferStart(
  coll: Collective,
  staging: ReadbackStaging,
  src: GPUBuffer,
  dst: GPUBuffer,
  partBytes: number,
): Pending<void> {
  const { rank, size } = coll;
  return later(
    (async () => {
      const all = await staging.read(src, 0, size * partBytes);
      const parts = Array.from({ length: size }, (_, k) => all.subarray(k * partBytes, (k + 1) * partBytes));
      const got = await coll.allToAllStart(parts).wait();
      const enc = staging.device.createCommandEncoder({ label: 'dap all-to-all own part' });
      if (dst !== src) enc.copyBufferToBuffer(src, rank * partBytes, dst, rank * partBytes, partBytes);
      staging.device.queue.submit([enc.finish()]);
      for (let k = 0; k < size; k++)
        if (k !== rank) staging.device.queue.writeBuffer(dst, k * partBytes, own(got[k]));
    })(),
  );
}

/** Calls `lose(rank, why)` when `device` is lost or destroyed: the rank is gone for the group. */
export function watchDevice(
  device: GPUDevice,
  rank: number,
  lose: (rank: number, why: string) => void,
): void {
  device.lost.then((info) =>
    lose(rank, `lost its GPUDevice (${info.reason}${info.message ? `: ${info.message}` : ''})`),
  );
}
