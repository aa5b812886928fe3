/**
 * Softmax over the last axis of one row, into a Float64Array (shared by the confidence metrics;
 * all of them are expectations of a per-bin quantity under softmax(logits)).
 */
export function softmaxRow(
  logits: ArrayLike<number>,
  offset: number,
  n: number,
  out: Float64Array,
): Float64Array {
  let max = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < n; k++) if (logits[offset + k] > max) max = logits[offset + k];
  let sum = 0;
  for (let k = 0; k < n; k++) {
    const e = Math.exp(logits[offset + k] - max);
    out[k] = e;
    sum += e;
  }
  for (let k = 0; k < n; k++) out[k] /= sum;
  return out;
}
