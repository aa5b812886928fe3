/**
 * AF2 (haiku) module paths of the structure module and the output heads, as they appear in the
 * parameter keys (`<module path>//<param name>`). None of these is stacked: the structure
 * module's fold iteration shares one set of weights over all its layers.
 */
const AF2_ROOT = 'alphafold/alphafold_iteration';

/** Algorithm 20 "Structure module": single/pair layer norms and the initial projection. */
export const STRUCTURE_MODULE = `${AF2_ROOT}/structure_module`;
/** One fold iteration (Algorithm 20 lines 6–21), shared over the layers. */
export const FOLD_ITERATION = `${STRUCTURE_MODULE}/fold_iteration`;
/** Algorithm 22 "Invariant point attention". */
export const INVARIANT_POINT_ATTENTION = `${FOLD_ITERATION}/invariant_point_attention`;
/** Algorithm 23 "Backbone update" (the 6-number linear). */
export const AFFINE_UPDATE = `${FOLD_ITERATION}/affine_update`;
/** Algorithm 20 lines 11–14: the angle resnet (AF2 `MultiRigidSidechain`). */
export const RIGID_SIDECHAIN = `${FOLD_ITERATION}/rigid_sidechain`;

/** Algorithm 29 "predictPerResidueLDDT_Ca" (pLDDT head). */
export const PREDICTED_LDDT_HEAD = `${AF2_ROOT}/predicted_lddt_head`;
/** Section 1.9.7: predicted aligned error / pTM head (OpenFold `tm`). */
export const PREDICTED_ALIGNED_ERROR_HEAD = `${AF2_ROOT}/predicted_aligned_error_head`;
/** Section 1.9.8: distogram head. */
export const DISTOGRAM_HEAD = `${AF2_ROOT}/distogram_head`;
/** Section 1.9.9: masked-MSA head. */
export const MASKED_MSA_HEAD = `${AF2_ROOT}/masked_msa_head`;
/** Section 1.9.10: experimentally-resolved head. */
export const EXPERIMENTALLY_RESOLVED_HEAD = `${AF2_ROOT}/experimentally_resolved_head`;
