/**
 * Node-only: a `GoldenSource` over a directory on disk. The rest of src/model/golden never
 * imports `node:`; browsers implement `GoldenSource` over fetch instead.
 */
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { NdArray } from '../ndarray.ts';
import { readNpz } from '../params/npz.ts';
import { fileSource } from '../params/source-node.ts';
import { GoldenSet } from './golden-set.ts';
import type { GoldenSource } from './types.ts';

export function directorySource(dir: string): GoldenSource {
  return {
    name: dir,
    async has(file) {
      return access(join(dir, file)).then(
        () => true,
        () => false,
      );
    },
    async readText(file) {
      const path = join(dir, file);
      try {
        return await readFile(path, 'utf8');
      } catch (err) {
        throw new Error(`${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
      }
    },
    async readNpz(file): Promise<Record<string, NdArray>> {
      const source = await fileSource(join(dir, file));
      try {
        return await readNpz(source);
      } finally {
        await source.close?.();
      }
    },
  };
}

/** A golden set in a directory (`DIR/params.npz`, `DIR/query.a3m`, `DIR/modules/...`). */
export function loadGoldenDir(dir: string): GoldenSet {
  return new GoldenSet(directorySource(dir));
}
