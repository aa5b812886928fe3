/**
 * Splitting one axis over P ranks, FastFold-style: the axis of length n is padded up to
 * n_pad = P·⌈n/P⌉ and rank r owns the contiguous block [r·n_pad/P, (r+1)·n_pad/P). Every rank
 * holds the same number of positions, so an all-to-all exchanges equal blocks; positions ≥ n
 * are padding and are masked (mask 0: −1e9 attention bias as a key, zero projections in the
 * triangle multiplication and the outer product mean, outputs discarded).
 */

/** One rank's share of an axis. */
export interface AxisSlice {
  rank: number;
  /** First padded position owned. */
  start: number;
  /** One past the last padded position owned (end − start = perRank). */
  end: number;
  /** One past the last real (unpadded) position owned: min(end, n), never below start. */
  validEnd: number;
}

export interface AxisSplit {
  /** Real length of the axis. */
  n: number;
  ranks: number;
  /** n rounded up to a multiple of `ranks`. */
  padded: number;
  /** Positions per rank (padded / ranks). */
  perRank: number;
  slices: AxisSlice[];
}

/** Checks that P is a rank count: an integer ≥ 1. */
export function checkRanks(P: number, what = 'P (ranks)'): void {
  if (!Number.isInteger(P) || P < 1) throw new RangeError(`DAP: ${what} must be an integer ≥ 1 (got ${P})`);
}

/** Splits an axis of length n (≥ 1) over P ranks with padding. */
export function splitAxis(n: number, P: number, axisName = 'axis'): AxisSplit {
  checkRanks(P);
  if (!Number.isInteger(n) || n < 1)
    throw new RangeError(`DAP: ${axisName} must be an integer ≥ 1 (got ${n})`);
  const perRank = Math.ceil(n / P);
  const padded = perRank * P;
  const slices: AxisSlice[] = [];
  for (let rank = 0; rank < P; rank++) {
    const start = rank * perRank;
    const end = start + perRank;
    slices.push({ rank, start, end, validEnd: Math.max(start, Math.min(end, n)) });
  }
  return { n, ranks: P, padded, perRank, slices };
}

/** The rank owning padded position i. */
export function ownerOf(split: AxisSplit, i: number): number {
  if (!Number.isInteger(i) || i < 0 || i >= split.padded) {
    throw new RangeError(`DAP: position ${i} is outside the padded axis [0, ${split.padded})`);
  }
  return Math.floor(i / split.perRank);
}

/** Real (unpadded) positions rank r owns. */
export function validCount(slice: AxisSlice): number {
  return slice.validEnd - slice.start;
}
