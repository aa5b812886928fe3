/**
 * AF2 (haiku) module paths of the Evoformer-side modules, as they appear in the parameter keys
 * (`<module path>//<param name>`). Stacked modules carry a leading [n_blocks] dimension.
 */
export const AF2_ROOT = 'alphafold/alphafold_iteration';
export const EVOFORMER = `${AF2_ROOT}/evoformer`;
/** Evoformer blocks (Algorithm 6), stacked [n_blocks, ...]. */
export const EVOFORMER_ITERATION = `${EVOFORMER}/evoformer_iteration`;
/** Extra-MSA stack blocks (Algorithm 18), stacked [n_blocks, ...]. */
export const EXTRA_MSA_STACK = `${EVOFORMER}/extra_msa_stack`;
/** Template pair stack blocks (Algorithm 16), stacked [n_blocks, ...]. */
export const TEMPLATE_PAIR_STACK = `${EVOFORMER}/template_embedding/single_template_embedding/template_pair_stack/__layer_stack_no_state`;
/** Template pointwise attention (Algorithm 17), not stacked. */
export const TEMPLATE_POINTWISE_ATTENTION = `${EVOFORMER}/template_embedding/attention`;
