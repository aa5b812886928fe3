/**
 * The parameter layer's public API (browser-safe; Node file access is in `source-node.ts`).
 */
export type {
  AF2Config,
  AttentionConfig,
  MsaStackConfig,
  PairStackConfig,
  ValidatedParams,
} from './config.ts';
export { configFromDims, STRUCTURE_MODULE_LAYERS, validateParams } from './config.ts';
export { ParamsError, type ParamsErrorCode } from './errors.ts';
export { fromHalf, toHalf } from './f16.ts';
export { inspectParams, type LoadedParams, loadParams, resolveNpz } from './load.ts';
export { encodeNpy, parseNpy } from './npy.ts';
export { type ArrayInfo, type NpzReader, openNpz, readNpz } from './npz.ts';
export { type ByteSink, encodeNpz, NpzStreamWriter } from './npz-write.ts';
export { decodePack, encodePack, PACK_ALIGNMENT, type PackHeader, readPackHeader } from './pack.ts';
export { PRESETS, presetLayout } from './presets.ts';
export { randomParams } from './random-params.ts';
export { AF2_CONSTANTS, buildSchema } from './schema.ts';
export { type ByteSource, blobSource, bufferSource, subSource, urlSource } from './source.ts';
export { listTar, type TarMember, tarModelNames, tarModelSource } from './tar.ts';
