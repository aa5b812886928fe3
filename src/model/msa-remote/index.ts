/** Remote MSA search (ColabFold MMseqs2 API): opt-in, the only place a sequence leaves the device. */
export { untarGz } from './archive.ts';
export {
  ColabFoldApi,
  DEFAULT_MSA_SERVER,
  type MsaMode,
  normalizeHost,
  normalizeQuery,
  type RemoteMsaOptions,
  type RemoteMsaResult,
  type RemoteMsaState,
  searchMsa,
  type TicketStatus,
} from './client.ts';
export { RemoteMsaError, type RemoteMsaErrorCode } from './errors.ts';
export { A3M_FILES, mergeA3m } from './merge.ts';
