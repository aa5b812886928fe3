/**
 * The lines of a module's output one rank computes when a block is split over P ranks (DAP,
 * src/engine/evoformer/dap-share.ts): rows of z or m, or columns for the column-wise modules.
 * Every kernel loop that walks lines in chunks or windows walks [start, end) instead of [0, total).
 */
export interface LineRange {
  start: number;
  /** One past the last line. */
  end: number;
}

/** `range` checked against `total` lines, or all of them. */
export function linesOf(total: number, range?: LineRange): LineRange {
  if (!range) return { start: 0, end: total };
  const { start, end } = range;
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > total || start > end)
    throw new RangeError(`line range [${start}, ${end}) is not within 0…${total}`);
  return range;
}
