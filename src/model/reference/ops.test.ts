import { describe, expect, it } from 'vitest';
import {
  blockParams,
  layerNorm,
  linear,
  relu,
  sigmoid,
  softmax,
  stackSlice,
  swapLeadingAxes,
  tensor,
} from './ops.ts';

const t = (shape: number[], values: number[]) => tensor(shape, Float32Array.from(values));

describe('reference ops', () => {
  it('linear: plain [c_in, c_out] with bias', () => {
    const x = t([2, 3], [1, 2, 3, 4, 5, 6]);
    const w = t([3, 2], [1, 0, 0, 1, 1, 1]);
    const b = t([2], [0.5, -0.5]);
    const y = linear(x, w, b);
    expect(y.shape).toEqual([2, 2]);
    expect([...y.data]).toEqual([4.5, 4.5, 10.5, 10.5]);
  });

  it('linear: multi-head in [c_in, H, C] and out [H, C, c_out] layouts', () => {
    const x = t([1, 2], [1, 2]);
    const wIn = t([2, 2, 1], [1, 2, 3, 4]); // head h: x0*w[0,h] + x1*w[1,h]
    const h = linear(x, wIn);
    expect(h.shape).toEqual([1, 2, 1]);
    expect([...h.data]).toEqual([7, 10]);
    const wOut = t([2, 1, 3], [1, 0, 1, 0, 1, 1]);
    const y = linear(h, wOut, undefined, 2);
    expect(y.shape).toEqual([1, 3]);
    expect([...y.data]).toEqual([7, 10, 17]);
  });

  it('linear: shape mismatch names both shapes', () => {
    expect(() => linear(t([1, 2], [1, 2]), t([3, 1], [1, 1, 1]))).toThrow(/\[1, 2\].*\[3, 1\]/);
  });

  it('layerNorm, relu, sigmoid, softmax', () => {
    const x = t([1, 4], [1, 2, 3, 4]);
    const y = layerNorm(x, t([4], [1, 1, 1, 1]), t([4], [0, 0, 0, 0]));
    const inv = 1 / Math.sqrt(1.25 + 1e-5);
    [-1.5, -0.5, 0.5, 1.5].forEach((v, i) => {
      expect(y.data[i]).toBeCloseTo(v * inv, 6);
    });
    expect([...relu(t([3], [-1, 0, 2])).data]).toEqual([0, 0, 2]);
    expect(sigmoid(t([1], [0])).data[0]).toBe(0.5);
    const s = softmax(t([2, 2], [0, 0, 1e9 * -1, 0]));
    expect([...s.data]).toEqual([0.5, 0.5, 0, 1]);
  });

  it('stackSlice / blockParams pick a block by AF2 key', () => {
    const p = {
      'a/b//w': t([2, 2], [1, 2, 3, 4]),
      'a/b/c//s': t([2, 1], [5, 6]),
      'x//w': t([1], [9]),
    };
    expect([...stackSlice(p['a/b//w'], 1).data]).toEqual([3, 4]);
    const b1 = blockParams(p, 'a/b', 1);
    expect(Object.keys(b1).sort()).toEqual(['a/b//w', 'a/b/c//s']);
    expect(b1['a/b/c//s'].shape).toEqual([1]);
    expect([...b1['a/b/c//s'].data]).toEqual([6]);
    expect(() => stackSlice(p['a/b//w'], 2)).toThrow(/out of range/);
  });

  it('swapLeadingAxes', () => {
    const x = t([2, 3, 1], [0, 1, 2, 3, 4, 5]);
    const y = swapLeadingAxes(x);
    expect(y.shape).toEqual([3, 2, 1]);
    expect([...y.data]).toEqual([0, 3, 1, 4, 2, 5]);
  });
});
