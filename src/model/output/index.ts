export * from './mmcif-writer.ts';
export * from './pae-json.ts';
export * from './pdb-writer.ts';
export * from './recycle-scores.ts';
export * from './scores-json.ts';
export * from './types.ts';
