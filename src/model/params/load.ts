/**
 * Entry points: open a parameter source (an `.npz`, or an AlphaFold params `.tar` from which one
 * model is picked), validate it against the AF2 schema from headers alone, and load arrays.
 */
import type { NdArray } from '../ndarray.ts';
import { type ValidatedParams, validateParams } from './config.ts';
import { ParamsError } from './errors.ts';
import { openNpz } from './npz.ts';
import type { ByteSource } from './source.ts';
import { listTar, tarModelNames, tarModelSource } from './tar.ts';

export interface OpenOptions {
  /** Model to pick from a tar, e.g. `model_1_ptm`. */
  model?: string;
}

/** True if the source starts with a tar header (ustar magic or a valid old-style checksum). */
export async function isTar(source: ByteSource): Promise<boolean> {
  if (source.size < 512) return false;
  const h = await source.read(0, 512);
  if (h[0] === 0x50 && h[1] === 0x4b) return false; // "PK": a zip
  const magic = new TextDecoder().decode(h.subarray(257, 262));
  if (magic === 'ustar') return true;
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i];
  const stored = Number.parseInt(new TextDecoder().decode(h.subarray(148, 156)).replace(/\0/g, '').trim(), 8);
  return stored === sum;
}

/** The `.npz` to read: the source itself, or the chosen model's member of a tar. */
export async function resolveNpz(source: ByteSource, opts: OpenOptions = {}): Promise<ByteSource> {
  if (!(await isTar(source))) return source;
  if (opts.model) return tarModelSource(source, opts.model);
  const names = tarModelNames(await listTar(source));
  if (names.length === 1) return tarModelSource(source, names[0]);
  throw new ParamsError(
    'not-found',
    `${source.name}: a tar of ${names.length} models; pick one with --model-name (${names.join(', ')})`,
  );
}

/** Infer and validate the config from array headers only (no weights are read). */
export async function inspectParams(
  source: ByteSource,
  opts: OpenOptions = {},
): Promise<ValidatedParams & { source: ByteSource }> {
  const npzSource = await resolveNpz(source, opts);
  const npz = await openNpz(npzSource);
  return { ...validateParams(await npz.infos(), npzSource.name), source: npzSource };
}

export interface LoadedParams extends ValidatedParams {
  arrays: Map<string, NdArray>;
}

/** Validate, then read every array (one member at a time; each read is the only copy). */
export async function loadParams(source: ByteSource, opts: OpenOptions = {}): Promise<LoadedParams> {
  const checked = await inspectParams(source, opts);
  const npz = await openNpz(checked.source);
  const arrays = new Map<string, NdArray>();
  for await (const [k, a] of npz.arrays()) arrays.set(k, a);
  return {
    config: checked.config,
    dims: checked.dims,
    layout: checked.layout,
    shapes: checked.shapes,
    arrays,
  };
}
