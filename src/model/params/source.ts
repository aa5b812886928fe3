/**
 * Random-access byte sources: the one interface every reader here (zip, npz, tar) is written
 * against, so a 370 MB parameter file is read piece by piece from memory, a Blob/File, a URL
 * (HTTP Range) or, in Node, a file handle (`source-node.ts`, kept apart so browser bundles never
 * import `node:fs`).
 */
import { ParamsError } from './errors.ts';

export interface ByteSource {
  /** Human-readable origin (file name, URL) used in error messages. */
  readonly name: string;
  /** Total size in bytes. */
  readonly size: number;
  /** Exactly `length` bytes starting at `offset`; rejects if the range is out of bounds. */
  read(offset: number, length: number): Promise<Uint8Array>;
  /** Release handles (files). Optional; a no-op for memory sources. */
  close?(): Promise<void>;
}

export function checkRange(src: { name: string; size: number }, offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
    throw new RangeError(`${src.name}: bad read range offset=${offset} length=${length}`);
  }
  if (offset + length > src.size) {
    throw new ParamsError(
      'truncated',
      `${src.name}: file is truncated (needed bytes ${offset}..${offset + length}, file has ${src.size})`,
    );
  }
}

/** Bytes already in memory. `read` returns views (no copy). */
export function bufferSource(data: ArrayBuffer | Uint8Array, name = '<buffer>'): ByteSource {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  return {
    name,
    size: bytes.length,
    async read(offset, length) {
      checkRange(this, offset, length);
      return bytes.subarray(offset, offset + length);
    },
  };
}

/** A Blob or File; each read slices and reads only that range. */
export function blobSource(blob: Blob, name?: string): ByteSource {
  const label = name ?? (typeof File !== 'undefined' && blob instanceof File ? blob.name : '<blob>');
  return {
    name: label,
    size: blob.size,
    async read(offset, length) {
      checkRange(this, offset, length);
      return new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer());
    },
  };
}

/** A window [offset, offset + size) of another source, e.g. one member of a tar archive. */
export function subSource(parent: ByteSource, offset: number, size: number, name?: string): ByteSource {
  checkRange(parent, offset, size);
  return {
    name: name ?? `${parent.name}[${offset}..${offset + size}]`,
    size,
    async read(o, length) {
      checkRange(this, o, length);
      return parent.read(offset + o, length);
    },
    close: parent.close ? () => parent.close?.() ?? Promise.resolve() : undefined,
  };
}

function parseContentRangeTotal(header: string | null): number | undefined {
  const m = header ? /\/(\d+)\s*$/.exec(header) : null;
  return m ? Number(m[1]) : undefined;
}

/**
 * A URL read with HTTP Range requests. If the server ignores Range (answers 200 with the whole
 * body), the body is kept once in memory and served from there.
 */
export async function urlSource(url: string, init: RequestInit = {}): Promise<ByteSource> {
  const probe = await fetch(url, {
    ...init,
    headers: { ...(init.headers as Record<string, string>), Range: 'bytes=0-0' },
  });
  if (probe.status === 206) {
    const total = parseContentRangeTotal(probe.headers.get('content-range'));
    await probe.body?.cancel();
    if (total !== undefined) {
      const src: ByteSource = {
        name: url,
        size: total,
        async read(offset, length) {
          checkRange(src, offset, length);
          if (length === 0) return new Uint8Array(0);
          const res = await fetch(url, {
            ...init,
            headers: {
              ...(init.headers as Record<string, string>),
              Range: `bytes=${offset}-${offset + length - 1}`,
            },
          });
          if (res.status !== 206) {
            throw new ParamsError(
              'bad-format',
              `${url}: server stopped honouring Range requests (HTTP ${res.status})`,
            );
          }
          const bytes = new Uint8Array(await res.arrayBuffer());
          if (bytes.length !== length) {
            throw new ParamsError(
              'truncated',
              `${url}: range read returned ${bytes.length} of ${length} bytes`,
            );
          }
          return bytes;
        },
      };
      return src;
    }
  }
  if (probe.status === 206 || probe.status === 200) {
    // No usable Range support: fall back to one full download.
    const full = probe.status === 200 ? probe : await fetch(url, init);
    if (!full.ok) throw new ParamsError('not-found', `${url}: HTTP ${full.status} ${full.statusText}`);
    return bufferSource(new Uint8Array(await full.arrayBuffer()), url);
  }
  throw new ParamsError('not-found', `${url}: HTTP ${probe.status} ${probe.statusText}`);
}
