/**
 * The AlphaFold2 monomer parameter schema (models 1–5, with or without the pTM head), written
 * once with *symbolic* shapes. The same table drives config inference (each symbol is read from
 * every key that carries it, by majority vote, so one bad array is blamed rather than believed),
 * validation (expected shapes are the symbols evaluated) and `make-params` (keys, shapes, init).
 *
 * Key naming (haiku): `<module path>//<param>`; stacked blocks carry a leading block axis
 * (`evoformer_iteration`, `extra_msa_stack`, `template_pair_stack/__layer_stack_no_state`); the
 * structure module's `fold_iteration` is shared across its layers (no stack axis).
 * Layouts: Linear `weights [c_in, c_out]`; attention `query_w/key_w/value_w/gating_w
 * [c_in, H, C]`, `output_w [H, C, c_out]`, `gating_b [H, C]`; global attention `key_w/value_w
 * [c_in, C]`; outer product mean `output_w [C, C, c_z]`.
 */

/** A shape axis: a symbol (read from the file), a fixed AF2 constant, or derived from symbols. */
export type Dim = string | number | { expr: string; eval: (d: Dims) => number };
export type Dims = Record<string, number>;

export type InitKind = 'weight' | 'bias' | 'ln_scale' | 'ln_offset' | 'point_weights';

export interface SchemaEntry {
  key: string;
  shape: Dim[];
  kind: InitKind;
  /** Axes (indices into `shape`) whose product is the fan-in of a weight. */
  fanInAxes: number[];
}

/** Structure that is read from the key set, not from shapes. */
export interface SchemaLayout {
  templates: boolean;
  ptmHead: boolean;
  /** Structure-module transition Linear layers (`transition`, `transition_1`, …); AF2: 3. */
  structureTransitionLayers: number;
  /** Residual blocks of the angle resnet (`resblock1`, `resblock1_1`, …); AF2: 2. */
  angleResnetBlocks: number;
}

/**
 * Fixed AlphaFold2 feature and output sizes (residue constants and binning), the same for every
 * monomer model; these are not model sizes and are not inferred.
 */
export const AF2_CONSTANTS = {
  targetFeat: 22, // aatype one-hot (21) + gap/"between segment" (1)
  msaFeat: 49, // 23 one-hot + has_deletion + deletion_value + 23 cluster profile + deletion_mean
  extraMsaFeat: 25, // 23 one-hot + has_deletion + deletion_value
  relposBins: 65, // 2 * max_relative_feature (32) + 1
  recyclingDgramBins: 15,
  templatePairFeat: 88, // 39 dgram + 1 mask + 22 + 22 aatype + 3 unit vector + 1 backbone mask
  templateAngleFeat: 57, // 22 aatype + 14 torsion sin/cos + 14 alt + 7 mask
  distogramBins: 64,
  plddtBins: 50,
  paeBins: 64,
  maskedMsaClasses: 23,
  atom37: 37,
  affineUpdate: 6, // quaternion (b, c, d) + translation
  angles: 14, // 7 torsions × (sin, cos)
} as const;

export const ROOT = 'alphafold/alphafold_iteration';
export const EVOFORMER = `${ROOT}/evoformer`;
export const TEMPLATE_PAIR_STACK = `${EVOFORMER}/template_embedding/single_template_embedding/template_pair_stack/__layer_stack_no_state`;
export const FOLD = `${ROOT}/structure_module/fold_iteration`;
export const IPA = `${FOLD}/invariant_point_attention`;

const K = AF2_CONSTANTS;

function derived(expr: string, f: (d: Dims) => number): Dim {
  return { expr, eval: f };
}

export function dimValue(d: Dim, dims: Dims): number {
  if (typeof d === 'number') return d;
  if (typeof d === 'string') {
    const v = dims[d];
    if (v === undefined) throw new Error(`schema: symbol ${d} has no value`);
    return v;
  }
  return d.eval(dims);
}

export function dimName(d: Dim): string {
  return typeof d === 'object' ? d.expr : String(d);
}

/** Collects entries; `stack` (a symbol) is prepended to every shape inside a stacked module. */
class Builder {
  readonly entries: SchemaEntry[] = [];
  constructor(private readonly stack?: string) {}

  private add(key: string, shape: Dim[], kind: InitKind, fanInAxes: number[] = []): void {
    const s = this.stack ? [this.stack, ...shape] : shape;
    const off = this.stack ? 1 : 0;
    this.entries.push({ key, shape: s, kind, fanInAxes: fanInAxes.map((a) => a + off) });
  }

  linear(path: string, cIn: Dim, cOut: Dim, bias = true): void {
    this.add(`${path}//weights`, [cIn, cOut], 'weight', [0]);
    if (bias) this.add(`${path}//bias`, [cOut], 'bias');
  }

  layerNorm(path: string, c: Dim): void {
    this.add(`${path}//scale`, [c], 'ln_scale');
    this.add(`${path}//offset`, [c], 'ln_offset');
  }

  /** Gated multi-head attention (Algorithm 7 style); `global` = one shared K/V head (Alg. 19). */
  attention(
    path: string,
    cQ: Dim,
    cKV: Dim,
    cOut: Dim,
    H: Dim,
    C: Dim,
    opt: { gating: boolean; global?: boolean },
  ): void {
    this.add(`${path}//query_w`, [cQ, H, C], 'weight', [0]);
    if (opt.global) {
      this.add(`${path}//key_w`, [cKV, C], 'weight', [0]);
      this.add(`${path}//value_w`, [cKV, C], 'weight', [0]);
    } else {
      this.add(`${path}//key_w`, [cKV, H, C], 'weight', [0]);
      this.add(`${path}//value_w`, [cKV, H, C], 'weight', [0]);
    }
    if (opt.gating) {
      this.add(`${path}//gating_w`, [cQ, H, C], 'weight', [0]);
      this.add(`${path}//gating_b`, [H, C], 'bias');
    }
    this.add(`${path}//output_w`, [H, C, cOut], 'weight', [0, 1]);
    this.add(`${path}//output_b`, [cOut], 'bias');
  }

  /** A Linear without `//weights` naming: `feat_2d_weights [c_z, H]` (pair bias projection). */
  raw(key: string, shape: Dim[], kind: InitKind, fanInAxes: number[] = []): void {
    this.add(key, shape, kind, fanInAxes);
  }
}

/** Symbol names of one attention: `<scope>/H` heads and `<scope>/C` per-head dim. */
export function attnSyms(scope: string): { H: string; C: string } {
  return { H: `${scope}/H`, C: `${scope}/C` };
}

/** Triangle attention around starting/ending node (Algorithms 13, 14), on a pair rep of `c`. */
function triangleAttention(b: Builder, path: string, c: string, scope: string): void {
  const { H, C } = attnSyms(scope);
  b.layerNorm(`${path}/query_norm`, c);
  b.raw(`${path}//feat_2d_weights`, [c, H], 'weight', [0]);
  b.attention(`${path}/attention`, c, c, c, H, C, { gating: true });
}

/** Triangle multiplicative update, outgoing/incoming (Algorithms 11, 12). */
function triangleMultiplication(b: Builder, path: string, c: string, hidden: string): void {
  b.layerNorm(`${path}/layer_norm_input`, c);
  b.linear(`${path}/left_projection`, c, hidden);
  b.linear(`${path}/right_projection`, c, hidden);
  b.linear(`${path}/left_gate`, c, hidden);
  b.linear(`${path}/right_gate`, c, hidden);
  b.layerNorm(`${path}/center_layer_norm`, hidden);
  b.linear(`${path}/output_projection`, hidden, c);
  b.linear(`${path}/gating_linear`, c, c);
}

/** Transition (Algorithms 9, 15): LayerNorm, Linear c→hidden, ReLU, Linear hidden→c. */
function transition(b: Builder, path: string, c: string, hidden: string): void {
  b.layerNorm(`${path}/input_layer_norm`, c);
  b.linear(`${path}/transition1`, c, hidden);
  b.linear(`${path}/transition2`, hidden, c);
}

/** The pair half of an Evoformer-style block (shared by Evoformer, extra-MSA and template stacks). */
function pairStack(b: Builder, path: string, c: string, scope: string): void {
  triangleMultiplication(b, `${path}/triangle_multiplication_outgoing`, c, `${scope}/tri_mul_out/hidden`);
  triangleMultiplication(b, `${path}/triangle_multiplication_incoming`, c, `${scope}/tri_mul_in/hidden`);
  triangleAttention(b, `${path}/triangle_attention_starting_node`, c, `${scope}/tri_att_start`);
  triangleAttention(b, `${path}/triangle_attention_ending_node`, c, `${scope}/tri_att_end`);
  transition(b, `${path}/pair_transition`, c, `${scope}/pair_transition/hidden`);
}

/** One Evoformer (Algorithm 6) or extra-MSA (Algorithm 18) block; `c_msa` is c_m or c_e. */
function msaBlock(b: Builder, path: string, cMsa: string, scope: string, globalColumn: boolean): void {
  const row = attnSyms(`${scope}/msa_row`);
  b.layerNorm(`${path}/msa_row_attention_with_pair_bias/query_norm`, cMsa);
  b.layerNorm(`${path}/msa_row_attention_with_pair_bias/feat_2d_norm`, 'c_z');
  b.raw(`${path}/msa_row_attention_with_pair_bias//feat_2d_weights`, ['c_z', row.H], 'weight', [0]);
  b.attention(`${path}/msa_row_attention_with_pair_bias/attention`, cMsa, cMsa, cMsa, row.H, row.C, {
    gating: true,
  });
  const colPath = globalColumn ? `${path}/msa_column_global_attention` : `${path}/msa_column_attention`;
  const col = attnSyms(`${scope}/msa_col`);
  b.layerNorm(`${colPath}/query_norm`, cMsa);
  b.attention(`${colPath}/attention`, cMsa, cMsa, cMsa, col.H, col.C, { gating: true, global: globalColumn });
  transition(b, `${path}/msa_transition`, cMsa, `${scope}/msa_transition/hidden`);
  const opm = `${scope}/opm/hidden`;
  b.layerNorm(`${path}/outer_product_mean/layer_norm_input`, cMsa);
  b.linear(`${path}/outer_product_mean/left_projection`, cMsa, opm);
  b.linear(`${path}/outer_product_mean/right_projection`, cMsa, opm);
  b.raw(`${path}/outer_product_mean//output_w`, [opm, opm, 'c_z'], 'weight', [0, 1]);
  b.raw(`${path}/outer_product_mean//output_b`, ['c_z'], 'bias');
  pairStack(b, path, 'c_z', scope);
}

/** IPA (Algorithm 22) output width: H·C scalar + 3·H·Pv points + H·Pv norms + H·c_z pair. */
export function ipaOutputWidth(d: Dims): number {
  const H = d['ipa/H'];
  return H * d['ipa/C'] + 4 * H * d['ipa/Pv'] + H * d.c_z;
}

/** Every key of a monomer AF2 parameter file with its symbolic shape. */
export function buildSchema(layout: SchemaLayout): SchemaEntry[] {
  const top = new Builder();

  // Input embedder (Algorithm 3), recycling (Algorithm 32), relpos (Algorithm 4), extra MSA (Alg. 2 l.14).
  top.linear(`${EVOFORMER}/preprocess_1d`, K.targetFeat, 'c_m');
  top.linear(`${EVOFORMER}/preprocess_msa`, K.msaFeat, 'c_m');
  top.linear(`${EVOFORMER}/left_single`, K.targetFeat, 'c_z');
  top.linear(`${EVOFORMER}/right_single`, K.targetFeat, 'c_z');
  top.linear(`${EVOFORMER}/prev_pos_linear`, K.recyclingDgramBins, 'c_z');
  top.layerNorm(`${EVOFORMER}/prev_msa_first_row_norm`, 'c_m');
  top.layerNorm(`${EVOFORMER}/prev_pair_norm`, 'c_z');
  top.linear(`${EVOFORMER}/pair_activiations`, K.relposBins, 'c_z'); // sic: AF2's spelling
  top.linear(`${EVOFORMER}/extra_msa_activations`, K.extraMsaFeat, 'c_e');
  top.linear(`${EVOFORMER}/single_activations`, 'c_m', 'c_s');

  const entries: SchemaEntry[] = [...top.entries];

  if (layout.templates) {
    // Template embedding (Algorithms 16, 17) and template torsion features (Alg. 2 l.7–8).
    const t = new Builder();
    t.linear(
      `${EVOFORMER}/template_embedding/single_template_embedding/embedding2d`,
      K.templatePairFeat,
      'c_t',
    );
    t.layerNorm(`${EVOFORMER}/template_embedding/single_template_embedding/output_layer_norm`, 'c_t');
    const pw = attnSyms('template/pointwise');
    t.attention(`${EVOFORMER}/template_embedding/attention`, 'c_z', 'c_t', 'c_z', pw.H, pw.C, {
      gating: false,
    });
    t.linear(`${EVOFORMER}/template_single_embedding`, K.templateAngleFeat, 'c_m');
    t.linear(`${EVOFORMER}/template_projection`, 'c_m', 'c_m');
    entries.push(...t.entries);
    const tps = new Builder('N_template_blocks');
    pairStack(tps, TEMPLATE_PAIR_STACK, 'c_t', 'template');
    entries.push(...tps.entries);
  }

  const extra = new Builder('N_extra_blocks');
  msaBlock(extra, `${EVOFORMER}/extra_msa_stack`, 'c_e', 'extra', true);
  entries.push(...extra.entries);

  const evo = new Builder('N_evoformer_blocks');
  msaBlock(evo, `${EVOFORMER}/evoformer_iteration`, 'c_m', 'evoformer', false);
  entries.push(...evo.entries);

  // Structure module (Algorithm 20), IPA (Algorithm 22), backbone update (23), angles (Alg. 20 l.11).
  const sm = new Builder();
  const H = 'ipa/H';
  sm.layerNorm(`${ROOT}/structure_module/single_layer_norm`, 'c_s');
  sm.linear(`${ROOT}/structure_module/initial_projection`, 'c_s', 'c_s');
  sm.layerNorm(`${ROOT}/structure_module/pair_layer_norm`, 'c_z');
  sm.linear(
    `${IPA}/q_scalar`,
    'c_s',
    derived('ipa/H*ipa/C', (d) => d[H] * d['ipa/C']),
  );
  sm.linear(
    `${IPA}/kv_scalar`,
    'c_s',
    derived('2*ipa/H*ipa/C', (d) => 2 * d[H] * d['ipa/C']),
  );
  sm.linear(
    `${IPA}/q_point_local`,
    'c_s',
    derived('3*ipa/H*ipa/Pq', (d) => 3 * d[H] * d['ipa/Pq']),
  );
  sm.linear(
    `${IPA}/kv_point_local`,
    'c_s',
    derived('3*ipa/H*(ipa/Pq+ipa/Pv)', (d) => 3 * d[H] * (d['ipa/Pq'] + d['ipa/Pv'])),
  );
  sm.raw(`${IPA}//trainable_point_weights`, [H], 'point_weights');
  sm.linear(`${IPA}/attention_2d`, 'c_z', H);
  sm.linear(`${IPA}/output_projection`, derived('ipa/H*(ipa/C+4*ipa/Pv+c_z)', ipaOutputWidth), 'c_s');
  sm.layerNorm(`${FOLD}/attention_layer_norm`, 'c_s');
  for (let i = 0; i < layout.structureTransitionLayers; i++) {
    sm.linear(`${FOLD}/transition${i ? `_${i}` : ''}`, 'c_s', 'c_s');
  }
  sm.layerNorm(`${FOLD}/transition_layer_norm`, 'c_s');
  sm.linear(`${FOLD}/affine_update`, 'c_s', K.affineUpdate);
  const a = 'angle_resnet/hidden';
  sm.linear(`${FOLD}/rigid_sidechain/input_projection`, 'c_s', a);
  sm.linear(`${FOLD}/rigid_sidechain/input_projection_1`, 'c_s', a);
  for (let i = 0; i < layout.angleResnetBlocks; i++) {
    const sfx = i ? `_${i}` : '';
    sm.linear(`${FOLD}/rigid_sidechain/resblock1${sfx}`, a, a);
    sm.linear(`${FOLD}/rigid_sidechain/resblock2${sfx}`, a, a);
  }
  sm.linear(`${FOLD}/rigid_sidechain/unnormalized_angles`, a, K.angles);
  entries.push(...sm.entries);

  // Heads: pLDDT (Algorithm 29), distogram, masked MSA, experimentally resolved, PAE/pTM.
  const heads = new Builder();
  heads.layerNorm(`${ROOT}/predicted_lddt_head/input_layer_norm`, 'c_s');
  heads.linear(`${ROOT}/predicted_lddt_head/act_0`, 'c_s', 'plddt/hidden');
  heads.linear(`${ROOT}/predicted_lddt_head/act_1`, 'plddt/hidden', 'plddt/hidden');
  heads.linear(`${ROOT}/predicted_lddt_head/logits`, 'plddt/hidden', K.plddtBins);
  heads.linear(`${ROOT}/distogram_head/half_logits`, 'c_z', K.distogramBins);
  heads.linear(`${ROOT}/masked_msa_head/logits`, 'c_m', K.maskedMsaClasses);
  heads.linear(`${ROOT}/experimentally_resolved_head/logits`, 'c_s', K.atom37);
  if (layout.ptmHead) heads.linear(`${ROOT}/predicted_aligned_error_head/logits`, 'c_z', K.paeBins);
  entries.push(...heads.entries);

  return entries;
}

/** Concrete shapes of a schema for given dims. */
export function concreteShapes(entries: SchemaEntry[], dims: Dims): Map<string, number[]> {
  return new Map(entries.map((e) => [e.key, e.shape.map((d) => dimValue(d, dims))]));
}

/** Shape as text with symbols, e.g. `[N_evoformer_blocks, c_m, evoformer/msa_row/H, …]`. */
export function symbolicShape(e: SchemaEntry): string {
  return `[${e.shape.map(dimName).join(', ')}]`;
}
