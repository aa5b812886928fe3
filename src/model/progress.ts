/**
 * Fold progress as one number and an ETA. Pure functions, shared by the fold worker and `webfold fold`.
 *
 * An iteration's time is split over its stages by a rough share (the Evoformer dominates); the
 * fraction is monotone as long as stages arrive in order, and the ETA is elapsed × (1 − f) / f,
 * given only once f is large enough to mean something.
 */
import type { FoldProgress } from './engine.ts';

/** [start, width] of each stage within one iteration. */
const STAGE_SPAN: Readonly<Record<string, readonly [number, number]>> = {
  input_embedding: [0, 0.01],
  recycling: [0.01, 0.01],
  template_embedding: [0.02, 0.05],
  extra_msa_stack: [0.07, 0.13],
  evoformer: [0.2, 0.72],
  structure_module: [0.92, 0.08],
  heads: [1, 0],
  done: [1, 0],
};

/** Fraction of the fold done, 0..1. */
export function foldFraction(
  p: Pick<FoldProgress, 'recycle' | 'numRecycles' | 'block' | 'blocks'> & { stage: string },
): number {
  if (p.stage === 'done') return 1;
  const [start, width] = STAGE_SPAN[p.stage] ?? [0, 0];
  const inStage = p.blocks ? Math.min(1, Math.max(0, (p.block ?? 0) / p.blocks)) : 0;
  const f = (p.recycle + start + width * inStage) / (p.numRecycles + 1);
  return Math.max(0, Math.min(1, f));
}

/** Below this fraction (or this much time) an ETA is noise. */
export const ETA_MIN_FRACTION = 0.02;
export const ETA_MIN_ELAPSED_MS = 500;

/** Estimated ms left, or undefined while the estimate means nothing. */
export function etaMs(elapsedMs: number, fraction: number): number | undefined {
  if (!(fraction >= ETA_MIN_FRACTION) || elapsedMs < ETA_MIN_ELAPSED_MS) return undefined;
  if (fraction >= 1) return 0;
  return (elapsedMs * (1 - fraction)) / fraction;
}

/** Keeps the reported fraction monotone (a stage reported out of order never moves it back). */
export class MonotoneFraction {
  private best = 0;
  next(f: number): number {
    if (f > this.best) this.best = f;
    return this.best;
  }
}
