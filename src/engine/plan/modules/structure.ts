/**
 * Memory plans of the structure module (Algorithms 20–24) and the output heads.
 *
 *   structure_module.prepare  LN(z) written into the pair scratch (z itself is kept for
 *                             recycling and the heads) and the IPA pair bias Linear(LN(z))
 *                             [N_res, N_res, H] computed once (the weights are shared by all
 *                             layers), both by row chunks; the per-residue buffers of the layers
 *                             are allocated: s_initial, activations, IPA projections, IPA output,
 *                             frames, angle resnet, atom14 positions
 *   structure_module.layers   (× layers) fused IPA per query block with online softmax over
 *                             the keys (the [H, N_res, N_res] weights are never stored; the pair
 *                             term Σ_j a_ij LN(z)_ij reads scratch rows), transition, backbone
 *                             update, angle resnet, all atoms
 *   heads.plddt               pLDDT head (Alg. 29) on s → pLDDT [N_res] f32
 *   heads.pae                 (pTM models) row chunk: logits = z·W [R, N_res, 64] f32, reduced
 *                             on the device to PAE [N_res, N_res] f32 and the pTM row terms [N_res]
 * With DAP (P ranks) each rank holds its Lr = N_res/P rows of z, of the IPA bias and of the PAE:
 * the IPA runs for the rank's query rows (the per-residue state is replicated and all-gathered
 * after each layer: [N_res, c_s], small), the PAE head for its rows.
 * The distogram, masked-MSA and experimentally-resolved heads are not part of the Prediction and
 * are not planned.
 */
import { grid, type PlanContext } from '../context.ts';
import { attentionGrid, elementwiseGrid, matmulGrid, rowsGrid } from '../workgroups.ts';

export function structureModulePlan(
  ctx: PlanContext,
  zRowsPerSegment: number,
  scratchRowsPerSegment: number,
): void {
  const { L, Lr } = ctx;
  const c = ctx.config;
  const cs = c.c_s;
  const ipa = c.structureModule.ipa;
  const H = ipa.heads;
  const projWidth = H * (3 * ipa.scalarDim + 6 * ipa.queryPoints + 3 * ipa.valuePoints);
  const outWidth = H * (ipa.scalarDim + 4 * ipa.valuePoints + c.c_z);
  const a = c.structureModule.angleResnet.hidden;

  ctx.stage('structure_module.prepare');
  const bias = ctx.alloc(ctx.decl('structure_module.ipa_bias', [Lr, L, H], '[N_res (i), N_res (j), H]'));
  const perResidue = [
    ctx.decl('structure_module.s_initial', [L, cs], '[N_res, c_s]'),
    ctx.decl('structure_module.act', [L, cs], '[N_res, c_s]'),
    ctx.decl('structure_module.hidden', [L, cs], '[N_res, c_s]'),
    ctx.decl('structure_module.ipa_proj', [L, projWidth], '[N_res, H·(3C + 6P_q + 3P_v)]'),
    ctx.decl('structure_module.ipa_out', [L, outWidth], '[N_res, H·(C + 4P_v + c_z)]'),
    ctx.decl('structure_module.angle_hidden', [L, 2 * a], '[N_res, 2·c_a]'),
    ctx.f32('structure_module.frames', [L, 7], '[N_res, 7] quaternion + translation'),
    ctx.f32('structure_module.angles', [L, 14], '[N_res, 7, 2]'),
    ctx.f32('structure_module.atom14', [L, 14, 3], '[N_res, 14, 3]'),
  ];
  for (const t of perResidue) ctx.alloc(t);
  const prepShape = (R: number) => ({
    transients: [],
    grids: [grid('layernorm', rowsGrid(R * L)), grid('matmul', matmulGrid(R * L, H))],
  });
  const prepMax = Math.min(Lr, zRowsPerSegment, scratchRowsPerSegment, bias.rowsPerSegment);
  const R = ctx.fit('structure_module.prepare', prepMax, prepShape);
  ctx.module(
    'structure_module',
    { prepareRows: R },
    { prepareRows: ctx.chunkCount(Lr, R, prepMax) },
    prepShape(R),
  );

  ctx.stage('structure_module.layers', c.structureModule.layers);
  const queries = Math.min(Lr, bias.rowsPerSegment, scratchRowsPerSegment);
  ctx.module(
    'structure_module',
    { ipaQueries: queries },
    { ipaQueries: ctx.chunkCount(Lr, queries) },
    {
      transients: [],
      grids: [
        grid('matmul', matmulGrid(L, projWidth)),
        grid('ipa', attentionGrid(queries, H, 1)),
        grid('matmul', matmulGrid(L, cs)),
        grid('elementwise', elementwiseGrid(L * 14 * 3)),
      ],
    },
  );
  ctx.free(bias.name);
  for (const t of perResidue) ctx.free(t.name);
}

export function headsPlan(ctx: PlanContext, zRowsPerSegment: number): void {
  const { L, Lr } = ctx;
  const h = ctx.config.heads;
  ctx.stage('heads.plddt');
  ctx.module(
    'heads.plddt',
    {},
    {},
    {
      transients: [
        ctx.decl('heads.plddt.hidden', [L, 2 * h.plddtHidden], '[N_res, 2·c_h]'),
        ctx.f32('heads.plddt.logits', [L, h.plddtBins], '[N_res, 50]'),
      ],
      grids: [grid('matmul', matmulGrid(L, h.plddtHidden)), grid('rows', rowsGrid(L))],
    },
  );
  if (!h.ptm || h.paeBins === null) return;
  const bins = h.paeBins;
  ctx.stage('heads.pae');
  const shape = (R: number) => ({
    transients: [ctx.f32('heads.pae.logits', [R, L, bins], '[R, N_res, 64]')],
    grids: [grid('matmul', matmulGrid(R * L, bins)), grid('rows', rowsGrid(R * L))],
  });
  const pae = ctx.tensors.find((t) => t.name === 'output.pae');
  const max = Math.min(Lr, zRowsPerSegment, pae?.rowsPerSegment ?? Lr);
  const R = ctx.fit('heads.pae', max, shape);
  ctx.module('heads.pae', { rows: R }, { rows: ctx.chunkCount(Lr, R, max) }, shape(R));
}
