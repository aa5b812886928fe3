/** Inputs → AF2 features: residue constants, FASTA/A3M parsing, MSA sampling, feature dicts. */
export { dedupeMsa, type Msa, parseA3m } from './a3m.ts';
export { makeAtom14Masks } from './atom-masks.ts';
export {
  buildFeatures,
  buildFeaturesPerIteration,
  deletionValue,
  type FeatureDict,
  type FeatureOptions,
} from './build-features.ts';
export { FeatureInputError } from './errors.ts';
export { type FastaRecord, parseFasta } from './fasta.ts';
export { defaultCounts, type FeatureInputs, rawFeaturesFromInputs } from './input.ts';
export { type MsaSampling, sampleMsa } from './msa-sampling.ts';
export { Prng } from './prng.ts';
export { makeRawFeatures, type RawFeatures } from './raw-features.ts';
export { buildTemplateFeatures, type TemplateInput, templateFromChain } from './template-features.ts';
export { atom37ToTorsionAngles, type TorsionAngles } from './torsion-angles.ts';
