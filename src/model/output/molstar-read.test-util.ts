/**
 * Test helper: read PDB / mmCIF text with Mol*'s own parsers and model builders, and flatten
 * the first model into plain per-atom rows. Used by the writer tests only.
 */

import { QualityAssessment } from 'molstar/lib/extensions/model-archive/quality-assessment/prop.js';
import { CIF } from 'molstar/lib/mol-io/reader/cif.js';
import { parsePDB } from 'molstar/lib/mol-io/reader/pdb/parser.js';
import type { Model, Trajectory } from 'molstar/lib/mol-model/structure.js';
import { trajectoryFromMmCIF } from 'molstar/lib/mol-model-formats/structure/mmcif.js';
import { trajectoryFromPDB } from 'molstar/lib/mol-model-formats/structure/pdb.js';
import { SyncRuntimeContext } from 'molstar/lib/mol-task/execution/synchronous.js';
import { AssetManager } from 'molstar/lib/mol-util/assets.js';

export interface MolstarAtom {
  atomName: string;
  element: string;
  resName: string;
  authSeqId: number;
  labelSeqId: number;
  authAsymId: string;
  x: number;
  y: number;
  z: number;
  b: number;
  residue: number; // Mol*'s residue index
}

async function firstModel(trajectory: Trajectory): Promise<Model> {
  const frame = trajectory.getFrameAtIndex(0);
  return 'run' in frame ? await frame.run() : frame;
}

export async function molstarModelFromPdb(text: string): Promise<Model> {
  const parsed = await parsePDB(text, 'test').run();
  if (parsed.isError) throw new Error(`Mol* PDB parse error: ${parsed.message}`);
  return firstModel(await trajectoryFromPDB(parsed.result).run());
}

export async function molstarModelFromMmcif(text: string): Promise<Model> {
  const parsed = await CIF.parseText(text).run();
  if (parsed.isError) throw new Error(`Mol* CIF parse error: ${parsed.message}`);
  return firstModel(await trajectoryFromMmCIF(parsed.result.blocks[0], parsed.result).run());
}

export function molstarAtoms(model: Model): MolstarAtom[] {
  const { atoms, residues, chains, residueAtomSegments, chainAtomSegments } = model.atomicHierarchy;
  const { x, y, z, B_iso_or_equiv } = model.atomicConformation;
  const out: MolstarAtom[] = [];
  for (let i = 0; i < atoms._rowCount; i++) {
    const r = residueAtomSegments.index[i];
    const c = chainAtomSegments.index[i];
    out.push({
      atomName: atoms.label_atom_id.value(i),
      element: atoms.type_symbol.value(i),
      resName: atoms.label_comp_id.value(i),
      authSeqId: residues.auth_seq_id.value(r),
      labelSeqId: residues.label_seq_id.value(r),
      authAsymId: chains.auth_asym_id.value(c),
      x: x[i],
      y: y[i],
      z: z[i],
      b: B_iso_or_equiv.value(i),
      residue: r,
    });
  }
  return out;
}

/** Mol*'s ModelCIF quality-assessment reading (the provider behind its pLDDT colouring). */
export async function molstarQualityAssessment(model: Model): Promise<QualityAssessment> {
  const ctx = { runtime: SyncRuntimeContext, assetManager: new AssetManager() };
  const { value } = await QualityAssessment.obtain(ctx, model, {});
  return value;
}
