/** Confidence metrics from the heads' logits: pLDDT, PAE, pTM (AF2 `confidence.py`). */

export {
  alignedErrorBreaks,
  binCentersFromBreaks,
  computePredictedAlignedError,
  DEFAULT_MAX_ERROR_BIN,
  type PredictedAlignedError,
} from './pae.ts';
export { computePlddt, plddtBinCenters } from './plddt.ts';
export { type PredictedTmOptions, predictedTmScore, tmScoreD0 } from './ptm.ts';
