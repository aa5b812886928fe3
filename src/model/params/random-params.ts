/**
 * Random parameters in the official AF2 key schema (for demos, tests and full-size benchmarks),
 * made the way the golden README describes so activations stay finite: LayerNorm scale
 * 1 + 0.1·N(0,1), offset 0.1·N(0,1); biases 0.1·N(0,1); IPA `trainable_point_weights`
 * 0.5413 + 0.1·N(0,1) (softplus⁻¹(1) ≈ 0.5413); weights N(0,1)·gain/√fan_in with gain 1, except
 * `affine_update` (0.25) and the pLDDT logits (8). Keys in sorted order, one seeded stream.
 * Values are not those of the golden file (different generator); only the recipe is the same.
 */
import { type NdArray, sizeOf } from '../ndarray.ts';
import { concreteShapes, type Dims, type SchemaEntry } from './schema.ts';

/** xoshiro128** seeded through splitmix32: fast, 2^128 period, reproducible across platforms. */
export class Rng {
  private s = new Uint32Array(4);
  private spare: number | undefined;

  constructor(seed: number) {
    let x = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.s[i] = (z ^ (z >>> 16)) >>> 0;
    }
    if (this.s.every((v) => v === 0)) this.s[0] = 1;
  }

  nextU32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform in (0, 1). */
  uniform(): number {
    return (this.nextU32() + 0.5) / 4294967296;
  }

  /** Standard normal (Box–Muller, pairs cached). */
  normal(): number {
    if (this.spare !== undefined) {
      const v = this.spare;
      this.spare = undefined;
      return v;
    }
    const r = Math.sqrt(-2 * Math.log(this.uniform()));
    const t = 2 * Math.PI * this.uniform();
    this.spare = r * Math.sin(t);
    return r * Math.cos(t);
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

function gainOf(key: string): number {
  if (key.endsWith('/affine_update//weights')) return 0.25;
  if (key.endsWith('/predicted_lddt_head/logits//weights')) return 8;
  return 1;
}

/** Arrays one at a time (sorted keys) so a full-size set streams without a second copy. */
export function* randomParams(
  schema: SchemaEntry[],
  dims: Dims,
  seed: number,
): Generator<[string, NdArray<Float32Array>]> {
  const rng = new Rng(seed);
  const shapes = concreteShapes(schema, dims);
  const sorted = [...schema].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const e of sorted) {
    const shape = shapes.get(e.key) as number[];
    const data = new Float32Array(sizeOf(shape));
    let mean = 0;
    let std = 0.1;
    if (e.kind === 'ln_scale') mean = 1;
    else if (e.kind === 'point_weights') mean = 0.5413;
    else if (e.kind === 'weight') {
      const fanIn = e.fanInAxes.reduce((p, a) => p * shape[a], 1);
      std = gainOf(e.key) / Math.sqrt(fanIn);
    }
    for (let i = 0; i < data.length; i++) data[i] = mean + std * rng.normal();
    yield [e.key, { dtype: 'float32', shape, data }];
  }
}
