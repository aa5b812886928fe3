/**
 * Reading a golden set through a `GoldenSource`, with the file names of the golden format
 * (see test/fixtures/golden/README.md). Files are read when first asked for and kept.
 */
import type { NdArray } from '../ndarray.ts';
import type { GoldenModuleCase, GoldenSource, ModuleIndex } from './types.ts';

export const GOLDEN_FILES = {
  params: 'params.npz',
  query: 'query.a3m',
  inputs: 'inputs.npz',
  inputsTemplates: 'inputs_templates.npz',
  outputs: 'outputs.npz',
  outputsTemplates: 'outputs_templates.npz',
  moduleIndex: 'modules/index.json',
} as const;

export class GoldenSet {
  private readonly cache = new Map<string, Promise<Record<string, NdArray>>>();

  constructor(readonly source: GoldenSource) {}

  get name(): string {
    return this.source.name;
  }

  /** An .npz of the set, read once (evict with `forget` to free memory). */
  npz(file: string): Promise<Record<string, NdArray>> {
    let p = this.cache.get(file);
    if (!p) {
      p = this.source.readNpz(file);
      this.cache.set(file, p);
    }
    return p;
  }

  forget(file: string): void {
    this.cache.delete(file);
  }

  async moduleIndex(): Promise<ModuleIndex> {
    const text = await this.source.readText(GOLDEN_FILES.moduleIndex);
    try {
      return JSON.parse(text) as ModuleIndex;
    } catch (err) {
      throw new Error(`${this.name}/${GOLDEN_FILES.moduleIndex}: not valid JSON (${(err as Error).message})`);
    }
  }

  /** One per-module pair: params (block dimension already removed), `in_*`, `out_*`. */
  async moduleCase(name: string, index: ModuleIndex): Promise<GoldenModuleCase> {
    const entry = index[name];
    if (!entry) throw new Error(`module ${name} is not in ${this.name}/${GOLDEN_FILES.moduleIndex}`);
    const arrays = await this.source.readNpz(`modules/${name}.npz`);
    const c: GoldenModuleCase = { name, entry, params: {}, inputs: {}, outputs: {} };
    for (const [k, a] of Object.entries(arrays)) {
      if (k.startsWith('in_')) c.inputs[k.slice(3)] = a;
      else if (k.startsWith('out_')) c.outputs[k.slice(4)] = a;
      else c.params[k] = a;
    }
    return c;
  }
}
