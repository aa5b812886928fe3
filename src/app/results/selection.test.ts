import { describe, expect, it } from 'vitest';
import {
  cellsToSelection,
  formatRange,
  mergeRanges,
  moveCell,
  nearestResidue,
  pixelToResidue,
  pointToCell,
  selectionRanges,
} from './selection.ts';
import { residueTicks } from './ticks.ts';

describe('heatmap pixels → residues', () => {
  it('maps offsets to cells and clamps the edges', () => {
    expect(pixelToResidue(0, 220, 22)).toBe(0);
    expect(pixelToResidue(9.99, 220, 22)).toBe(0);
    expect(pixelToResidue(10, 220, 22)).toBe(1);
    expect(pixelToResidue(219.9, 220, 22)).toBe(21);
    expect(pixelToResidue(220, 220, 22)).toBe(21);
    expect(pixelToResidue(-5, 220, 22)).toBe(0);
    expect(pixelToResidue(5, 0, 22)).toBe(0);
  });

  it('maps a point to (scored x, aligned y)', () => {
    expect(pointToCell(55, 125, 220, 220, 22)).toEqual({ x: 5, y: 12 });
    // a non-square box still maps each axis on its own
    expect(pointToCell(55, 125, 220, 440, 22)).toEqual({ x: 5, y: 6 });
  });

  it('nearest residue along a line plot', () => {
    expect(nearestResidue(0, 22)).toBe(0);
    expect(nearestResidue(1, 22)).toBe(21);
    expect(nearestResidue(0.5, 3)).toBe(1);
    expect(nearestResidue(-1, 5)).toBe(0);
    expect(nearestResidue(0.7, 1)).toBe(0);
  });
});

describe('rectangle → residue ranges', () => {
  it('orders the corners, whatever the drag direction', () => {
    const a = { x: 9, y: 16 };
    const b = { x: 5, y: 12 };
    expect(cellsToSelection(a, b)).toEqual({ scored: { start: 5, end: 9 }, aligned: { start: 12, end: 16 } });
    expect(cellsToSelection(b, a)).toEqual(cellsToSelection(a, b));
  });

  it('a click is a one-cell selection', () => {
    expect(cellsToSelection({ x: 3, y: 7 }, { x: 3, y: 7 })).toEqual({
      scored: { start: 3, end: 3 },
      aligned: { start: 7, end: 7 },
    });
  });

  it('the 3D view gets scored ∪ aligned, merged when they overlap or touch', () => {
    expect(selectionRanges({ scored: { start: 5, end: 9 }, aligned: { start: 12, end: 16 } })).toEqual([
      { start: 5, end: 9 },
      { start: 12, end: 16 },
    ]);
    expect(selectionRanges({ scored: { start: 5, end: 11 }, aligned: { start: 12, end: 16 } })).toEqual([
      { start: 5, end: 16 },
    ]);
    expect(selectionRanges({ scored: { start: 10, end: 20 }, aligned: { start: 2, end: 14 } })).toEqual([
      { start: 2, end: 20 },
    ]);
    expect(mergeRanges([])).toEqual([]);
  });

  it('formats 1-based ranges, with custom numbering', () => {
    expect(formatRange({ start: 5, end: 9 })).toBe('6–10');
    expect(formatRange({ start: 3, end: 3 })).toBe('4');
    expect(formatRange({ start: 0, end: 1 }, (i) => i + 101)).toBe('101–102');
  });

  it('keyboard moves stay inside the matrix', () => {
    expect(moveCell({ x: 0, y: 0 }, -1, -1, 5)).toEqual({ x: 0, y: 0 });
    expect(moveCell({ x: 3, y: 4 }, 10, 1, 5)).toEqual({ x: 4, y: 4 });
  });
});

describe('residue axis ticks', () => {
  it('starts at 1 and uses whole, nice steps', () => {
    expect(residueTicks(22, 6)).toEqual([1, 5, 10, 15, 20]);
    expect(residueTicks(1)).toEqual([1]);
    expect(residueTicks(3)).toEqual([1, 2, 3]);
    expect(residueTicks(500, 8)).toEqual([1, 100, 200, 300, 400, 500]);
    for (const n of [2, 7, 33, 65, 129, 1000]) {
      const t = residueTicks(n);
      expect(t[0]).toBe(1);
      expect(t.every((v) => Number.isInteger(v) && v <= n)).toBe(true);
    }
  });
});
