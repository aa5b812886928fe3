/**
 * From user inputs (FASTA text and/or A3M text) to raw features: the query and its MSA.
 * - FASTA only: single-sequence mode (the MSA is the query alone).
 * - A3M only: the first row is the query.
 * - FASTA + A3M: the FASTA sequence is the query; the A3M must align to it (same column count).
 * Monomer only: a FASTA with several records is rejected here (the parser itself accepts them).
 */
import { parseA3m } from './a3m.ts';
import { FeatureInputError } from './errors.ts';
import { parseFasta } from './fasta.ts';
import { makeRawFeatures, type RawFeatures } from './raw-features.ts';

export interface FeatureInputs {
  fasta?: string;
  a3m?: string;
}

/** AF2 monomer defaults: 512 cluster rows (eval `max_msa_clusters`), 1024 extra rows (`max_extra_msa`). */
export const defaultMaxClusters = 512;
export const defaultMaxExtra = 1024;

export function rawFeaturesFromInputs(inputs: FeatureInputs): RawFeatures {
  let query: string | undefined;
  if (inputs.fasta !== undefined) {
    const records = parseFasta(inputs.fasta);
    if (records.length > 1) {
      throw new FeatureInputError(
        `FASTA has ${records.length} records; monomer features need exactly one sequence` +
          ' (for an alignment, use an .a3m file or --a3m)',
      );
    }
    query = records[0].sequence;
  }
  const msa = inputs.a3m !== undefined ? parseA3m(inputs.a3m) : null;
  if (query === undefined) {
    if (!msa) throw new FeatureInputError('no input: give a FASTA sequence or an A3M alignment');
    query = msa.sequences[0];
  }
  return makeRawFeatures(query, msa);
}

/**
 * Default output sizes when the caller gives none: S = min(512, N_seq) (no padding of the
 * clusters) and E = min(1024, rows left), at least 1 (one masked row if nothing is left, so the
 * extra-MSA stack never sees an empty tensor).
 */
export function defaultCounts(
  raw: RawFeatures,
  clusters?: number,
  extra?: number,
): { clusters: number; extra: number } {
  const c = clusters ?? Math.min(defaultMaxClusters, raw.numSeq);
  const e = extra ?? Math.max(1, Math.min(defaultMaxExtra, raw.numSeq - Math.min(c, raw.numSeq)));
  return { clusters: c, extra: e };
}
