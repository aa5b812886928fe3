/**
 * Reading `.tar` archives (ustar, GNU long names `L`, pax `x` headers for long paths and sizes
 * ≥ 8 GiB, GNU base-256 sizes) by walking the 512-byte headers only, so one member of the
 * official `alphafold_params_*.tar` becomes a sub-range `ByteSource` without unpacking the rest.
 */
import { ParamsError } from './errors.ts';
import { type ByteSource, subSource } from './source.ts';

export interface TarMember {
  name: string;
  /** Byte offset of the member's data in the archive. */
  offset: number;
  size: number;
  /** '0' regular file, '5' directory, … (the ustar typeflag). */
  type: string;
}

const BLOCK = 512;

function cString(b: Uint8Array, start: number, len: number): string {
  let end = start;
  while (end < start + len && b[end] !== 0) end++;
  return new TextDecoder().decode(b.subarray(start, end));
}

function octalOrBase256(b: Uint8Array, start: number, len: number, what: string, file: string): number {
  if (b[start] & 0x80) {
    // GNU base-256: big-endian two's complement with the top bit of the first byte as a flag.
    let n = b[start] & 0x7f;
    for (let i = 1; i < len; i++) n = n * 256 + b[start + i];
    return n;
  }
  const s = cString(b, start, len).trim();
  if (s === '') return 0;
  if (!/^[0-7]+$/.test(s)) throw new ParamsError('corrupt', `${file}: corrupt tar header (${what} '${s}')`);
  return Number.parseInt(s, 8);
}

function checksumOk(h: Uint8Array, file: string): boolean {
  const stored = octalOrBase256(h, 148, 8, 'checksum', file);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i];
  return sum === stored;
}

/** pax extended header records: "<len> <key>=<value>\n". */
function parsePax(data: Uint8Array): Record<string, string> {
  const out: Record<string, string> = {};
  const text = new TextDecoder().decode(data);
  let p = 0;
  while (p < text.length) {
    const sp = text.indexOf(' ', p);
    if (sp < 0) break;
    const len = Number.parseInt(text.slice(p, sp), 10);
    if (!(len > 0)) break;
    const record = text.slice(sp + 1, p + len - 1);
    const eq = record.indexOf('=');
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    p += len;
  }
  return out;
}

export async function listTar(source: ByteSource): Promise<TarMember[]> {
  const file = source.name;
  const members: TarMember[] = [];
  let pos = 0;
  let longName: string | undefined;
  let pax: Record<string, string> = {};
  while (pos + BLOCK <= source.size) {
    const h = await source.read(pos, BLOCK);
    if (h.every((b) => b === 0)) break; // end-of-archive marker
    if (!checksumOk(h, file)) {
      throw new ParamsError(
        'corrupt',
        `${file}: corrupt tar header at byte ${pos} (bad checksum); not a tar file?`,
      );
    }
    const type = String.fromCharCode(h[156] || 0x30);
    let size = octalOrBase256(h, 124, 12, 'size', file);
    const dataOffset = pos + BLOCK;
    const next = dataOffset + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'L' || type === 'x' || type === 'g') {
      if (dataOffset + size > source.size)
        throw new ParamsError('truncated', `${file}: tar archive is truncated`);
      const data = await source.read(dataOffset, size);
      if (type === 'L') longName = cString(data, 0, data.length);
      else if (type === 'x') pax = parsePax(data);
      pos = next;
      continue;
    }
    const isUstar = cString(h, 257, 6).startsWith('ustar');
    const prefix = isUstar ? cString(h, 345, 155) : '';
    let name = cString(h, 0, 100);
    if (prefix) name = `${prefix}/${name}`;
    if (longName !== undefined) name = longName;
    if (pax.path !== undefined) name = pax.path;
    if (pax.size !== undefined) size = Number(pax.size);
    longName = undefined;
    pax = {};
    if (dataOffset + size > source.size) {
      throw new ParamsError(
        'truncated',
        `${file}: tar archive is truncated (member ${name} needs ${dataOffset + size} bytes, file has ${source.size})`,
      );
    }
    members.push({ name, offset: dataOffset, size, type });
    pos = dataOffset + Math.ceil(size / BLOCK) * BLOCK;
  }
  return members;
}

/** Basename without directories, e.g. `params/params_model_1.npz` → `params_model_1.npz`. */
function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Model names (e.g. `model_1_ptm`) of the `params_<model>.npz` members of a tar. */
export function tarModelNames(members: TarMember[]): string[] {
  return members
    .filter((m) => m.type === '0' || m.type === '\0' || m.type === '7')
    .map((m) => /^params_(.+)\.npz$/.exec(baseName(m.name))?.[1])
    .filter((n): n is string => n !== undefined);
}

/**
 * One model's `.npz` out of an AlphaFold params tar, as a sub-range source. `model` may be
 * `model_1_ptm`, `params_model_1_ptm` or `params_model_1_ptm.npz`.
 */
export async function tarModelSource(source: ByteSource, model: string): Promise<ByteSource> {
  const members = await listTar(source);
  const want = model.replace(/\.npz$/, '').replace(/^params_/, '');
  const hit = members.find((m) => baseName(m.name) === `params_${want}.npz`);
  if (!hit) {
    const names = tarModelNames(members);
    throw new ParamsError(
      'not-found',
      `${source.name}: no model '${want}' (params_${want}.npz) in the tar; it holds ${names.length ? names.join(', ') : 'no params_*.npz members'}`,
    );
  }
  return subSource(source, hit.offset, hit.size, `${source.name}:${hit.name}`);
}
