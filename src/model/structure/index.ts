export { readMmcifChain } from './mmcif-reader.ts';
export { readPdbChain } from './pdb-reader.ts';
export { type ChainAtoms, StructureReadError } from './types.ts';
