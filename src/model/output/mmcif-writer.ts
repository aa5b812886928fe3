/**
 * mmCIF writer for a single-chain prediction, laid out as the AlphaFold Database's ModelCIF files:
 * `_atom_site` (B_iso_or_equiv = the residue's pLDDT), `_entity`, `_entity_poly`,
 * `_entity_poly_seq`, `_struct_asym`, `_chem_comp`, `_atom_type`, and the ModelCIF quality
 * categories that Mol* reads for pLDDT colouring: `_ma_qa_metric` (a global and a local pLDDT
 * metric, plus pTM when given), `_ma_qa_metric_global` (mean pLDDT) and `_ma_qa_metric_local`
 * (one row per residue). Optionally the PAE as `_ma_qa_metric_local_pairwise` (N_res² rows).
 *
 * Numbering: label_seq_id runs 1..N_res along the modelled sequence (= `_entity_poly_seq.num`);
 * auth_seq_id is residueIndex + 1, as in the PDB writer.
 */

import { resnames, restypes } from '../features/residue-constants.ts';
import { atomRecords } from './atom-records.ts';
import { chemCompNames, chemCompType } from './chem-comp.ts';
import { type CifValue, cifLoop, cifPairs, cifToken } from './cif-text.ts';
import type { Prediction } from './types.ts';

export interface MmcifOptions {
  /** data block name and `_entry.id`; default 'webfold'. Letters, digits, - _ . only. */
  entryId?: string;
  /** `_entity.pdbx_description`; default 'AlphaFold2 prediction'. */
  description?: string;
  /** model name in `_ma_model_list`, e.g. 'model_1_ptm'. */
  modelName?: string;
  /** software version in `_software`. */
  softwareVersion?: string;
  /** Also write the PAE (needs `pae`) as `_ma_qa_metric_local_pairwise`. Large: N_res² rows. */
  includePae?: boolean;
}

const MODEL_ID = 1;
const ENTITY_ID = '1';

export function toMmcif(p: Prediction, options: MmcifOptions = {}): string {
  const atoms = atomRecords(p);
  const nRes = p.aatype.length;
  const asym = p.chainId ?? 'A';
  const entryId = options.entryId ?? 'webfold';
  if (!/^[A-Za-z0-9_.-]+$/.test(entryId)) {
    throw new Error(`mmCIF entry id "${entryId}" may only contain letters, digits, '-', '_' and '.'`);
  }
  const resName = (i: number) => resnames[p.aatype[i]];
  const oneLetter = (i: number) => (p.aatype[i] < restypes.length ? restypes[p.aatype[i]] : 'X');
  const seqCan = Array.from({ length: nRes }, (_, i) => oneLetter(i)).join('');
  const seq = Array.from({ length: nRes }, (_, i) =>
    p.aatype[i] < restypes.length ? oneLetter(i) : '(UNK)',
  ).join('');
  let sum = 0;
  for (let i = 0; i < nRes; i++) sum += p.plddt[i];
  const meanPlddt = sum / nRes;

  const parts: string[] = [`data_${entryId}\n#\n`];
  parts.push(cifPairs('entry', { id: entryId }));
  parts.push(
    cifPairs('audit_conform', {
      dict_name: 'mmcif_ma.dic',
      dict_version: '1.4.5',
      dict_location: 'https://raw.githubusercontent.com/ihmwg/ModelCIF/master/dist/mmcif_ma.dic',
    }),
  );
  parts.push(
    cifPairs('software', {
      pdbx_ordinal: 1,
      name: 'webfold',
      version: options.softwareVersion ?? null,
      type: 'package',
      classification: 'other',
      description: 'AlphaFold2 inference on WebGPU',
    }),
  );
  parts.push(cifPairs('ma_software_group', { ordinal_id: 1, group_id: 1, software_id: 1 }));

  const elements = [...new Set(atoms.map((a) => a.element))].sort();
  parts.push(
    cifLoop(
      'atom_type',
      ['symbol'],
      elements.map((e) => [e]),
    ),
  );
  const comps = [...new Set(Array.from({ length: nRes }, (_, i) => resName(i)))].sort();
  parts.push(
    cifLoop(
      'chem_comp',
      ['id', 'type', 'name', 'mon_nstd_flag'],
      comps.map((c) => [c, chemCompType(c), chemCompNames[c], c === 'UNK' ? 'n' : 'y']),
    ),
  );

  parts.push(
    cifPairs('entity', {
      id: ENTITY_ID,
      type: 'polymer',
      src_method: 'man',
      pdbx_description: options.description ?? 'AlphaFold2 prediction',
    }),
  );
  parts.push(
    cifPairs('entity_poly', {
      entity_id: ENTITY_ID,
      type: 'polypeptide(L)',
      nstd_linkage: 'no',
      nstd_monomer: 'no',
      pdbx_seq_one_letter_code: seq,
      pdbx_seq_one_letter_code_can: seqCan,
      pdbx_strand_id: asym,
    }),
  );
  parts.push(
    cifLoop(
      'entity_poly_seq',
      ['entity_id', 'num', 'mon_id', 'hetero'],
      Array.from({ length: nRes }, (_, i) => [ENTITY_ID, i + 1, resName(i), 'n']),
    ),
  );
  parts.push(cifPairs('struct_asym', { id: asym, entity_id: ENTITY_ID }));

  parts.push(cifPairs('ma_data', { id: 1, name: 'Model', content_type: 'model coordinates' }));
  parts.push(cifPairs('ma_target_entity', { entity_id: ENTITY_ID, data_id: 1, origin: 'designed' }));
  parts.push(
    cifPairs('ma_target_entity_instance', { asym_id: asym, entity_id: ENTITY_ID, details: undefined }),
  );
  parts.push(
    cifPairs('ma_model_list', {
      ordinal_id: 1,
      model_id: MODEL_ID,
      model_group_id: 1,
      model_name: options.modelName ?? 'Top ranked model',
      model_group_name: 'AlphaFold2 predictions',
      data_id: 1,
      model_type: 'Ab initio model',
    }),
  );

  // ModelCIF quality metrics: 1 = global pLDDT, 2 = local pLDDT, 3 = pTM, 4 = PAE.
  const metrics: CifValue[][] = [
    [1, 'pLDDT', 'pLDDT', 'global', 1],
    [2, 'pLDDT', 'pLDDT', 'local', 1],
  ];
  const globals: CifValue[][] = [[1, MODEL_ID, 1, meanPlddt.toFixed(2)]];
  if (p.ptm !== undefined) {
    metrics.push([3, 'pTM', 'pTM', 'global', 1]);
    globals.push([2, MODEL_ID, 3, p.ptm.toFixed(4)]);
  }
  const withPae = options.includePae === true;
  if (withPae) {
    if (!p.pae) throw new Error('includePae is set but the prediction has no pae');
    if (p.pae.length !== nRes * nRes) {
      throw new Error(
        `pae has length ${p.pae.length}, expected ${nRes * nRes} = [N_res, N_res] with N_res = ${nRes}`,
      );
    }
    metrics.push([4, 'PAE', 'PAE', 'local-pairwise', 1]);
  }
  parts.push(cifLoop('ma_qa_metric', ['id', 'name', 'type', 'mode', 'software_group_id'], metrics));
  parts.push(
    cifLoop('ma_qa_metric_global', ['ordinal_id', 'model_id', 'metric_id', 'metric_value'], globals),
  );
  parts.push(
    cifLoop(
      'ma_qa_metric_local',
      [
        'ordinal_id',
        'model_id',
        'label_asym_id',
        'label_seq_id',
        'label_comp_id',
        'metric_id',
        'metric_value',
      ],
      Array.from({ length: nRes }, (_, i) => [
        i + 1,
        MODEL_ID,
        asym,
        i + 1,
        resName(i),
        2,
        p.plddt[i].toFixed(2),
      ]),
    ),
  );
  if (withPae && p.pae) parts.push(paePairwiseLoop(p.pae, nRes, asym, resName));

  const atomSiteItems = [
    'group_PDB',
    'id',
    'type_symbol',
    'label_atom_id',
    'label_alt_id',
    'label_comp_id',
    'label_asym_id',
    'label_entity_id',
    'label_seq_id',
    'pdbx_PDB_ins_code',
    'Cartn_x',
    'Cartn_y',
    'Cartn_z',
    'occupancy',
    'B_iso_or_equiv',
    'pdbx_formal_charge',
    'auth_seq_id',
    'auth_comp_id',
    'auth_asym_id',
    'auth_atom_id',
    'pdbx_PDB_model_num',
  ];
  const atomLines = ['loop_', ...atomSiteItems.map((k) => `_atom_site.${k}`)];
  const asymTok = cifToken(asym);
  for (const a of atoms) {
    atomLines.push(
      [
        'ATOM',
        a.serial,
        a.element,
        a.atomName,
        '.',
        a.resName,
        asymTok,
        ENTITY_ID,
        a.residue + 1,
        '?',
        a.x.toFixed(3),
        a.y.toFixed(3),
        a.z.toFixed(3),
        '1.00',
        a.bFactor.toFixed(2),
        '?',
        a.resSeq,
        a.resName,
        asymTok,
        a.atomName,
        MODEL_ID,
      ].join(' '),
    );
  }
  parts.push(`${atomLines.join('\n')}\n#\n`);
  return parts.join('');
}

function paePairwiseLoop(
  pae: Float32Array,
  nRes: number,
  asym: string,
  resName: (i: number) => string,
): string {
  const items = [
    'ordinal_id',
    'model_id',
    'label_asym_id_1',
    'label_seq_id_1',
    'label_comp_id_1',
    'label_asym_id_2',
    'label_seq_id_2',
    'label_comp_id_2',
    'metric_id',
    'metric_value',
  ];
  const lines = ['loop_', ...items.map((k) => `_ma_qa_metric_local_pairwise.${k}`)];
  const a = cifToken(asym);
  let ordinal = 1;
  for (let i = 0; i < nRes; i++) {
    for (let j = 0; j < nRes; j++) {
      const v = pae[i * nRes + j].toFixed(2);
      lines.push(`${ordinal++} ${MODEL_ID} ${a} ${i + 1} ${resName(i)} ${a} ${j + 1} ${resName(j)} 4 ${v}`);
    }
  }
  return `${lines.join('\n')}\n#\n`;
}
