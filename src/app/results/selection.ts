/**
 * PAE heatmap geometry: pointer positions → residue cells, and a dragged rectangle → the two
 * residue ranges it covers (x: scored residues, y: aligned residues). Indices are 0-based
 * positions along the modelled sequence (Mol*'s label_seq_id − 1).
 */

export interface Cell {
  /** scored residue (column, x) */
  x: number;
  /** aligned residue (row, y) */
  y: number;
}

/** Inclusive 0-based residue range. */
export interface ResidueRange {
  start: number;
  end: number;
}

export interface PaeSelection {
  /** scored residues (x extent) */
  scored: ResidueRange;
  /** aligned residues (y extent) */
  aligned: ResidueRange;
}

/** Residue index under a pixel offset along an axis `size` pixels long holding `nRes` cells. */
export function pixelToResidue(offset: number, size: number, nRes: number): number {
  if (nRes <= 0 || size <= 0) return 0;
  const i = Math.floor((offset / size) * nRes);
  return Math.min(nRes - 1, Math.max(0, i));
}

/** Nearest of n evenly spaced points (first at 0, last at 1) to a position in 0–1. */
export function nearestResidue(fraction: number, nRes: number): number {
  if (nRes <= 1) return 0;
  return Math.min(nRes - 1, Math.max(0, Math.round(fraction * (nRes - 1))));
}

/** Cell under a pointer at (px, py) in a width × height box showing an nRes × nRes matrix. */
export function pointToCell(px: number, py: number, width: number, height: number, nRes: number): Cell {
  return { x: pixelToResidue(px, width, nRes), y: pixelToResidue(py, height, nRes) };
}

/** The rectangle spanned by two corner cells, as residue ranges (corners in any order). */
export function cellsToSelection(a: Cell, b: Cell): PaeSelection {
  return {
    scored: { start: Math.min(a.x, b.x), end: Math.max(a.x, b.x) },
    aligned: { start: Math.min(a.y, b.y), end: Math.max(a.y, b.y) },
  };
}

/** Merged, sorted ranges (overlapping or adjacent ranges become one). */
export function mergeRanges(ranges: readonly ResidueRange[]): ResidueRange[] {
  const sorted = [...ranges].sort((p, q) => p.start - q.start);
  const out: ResidueRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.start <= last.end + 1) last.end = Math.max(last.end, r.end);
    else out.push({ ...r });
  }
  return out;
}

/** The residues a selection covers in the 3D view: scored ∪ aligned. */
export function selectionRanges(sel: PaeSelection): ResidueRange[] {
  return mergeRanges([sel.scored, sel.aligned]);
}

/** "12–40" or "7" in 1-based residue numbers as shown to people. */
export function formatRange(r: ResidueRange, number: (i: number) => number = (i) => i + 1): string {
  return r.start === r.end ? `${number(r.start)}` : `${number(r.start)}–${number(r.end)}`;
}

/** Moves a cell by (dx, dy), clamped to the matrix. */
export function moveCell(c: Cell, dx: number, dy: number, nRes: number): Cell {
  const clamp = (v: number) => Math.min(nRes - 1, Math.max(0, v));
  return { x: clamp(c.x + dx), y: clamp(c.y + dy) };
}
