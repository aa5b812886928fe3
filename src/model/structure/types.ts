/**
 * One protein chain read from a PDB or mmCIF file, in the atom37 layout the model uses
 * (for templates, and for reading predictions back).
 *
 *   positions   Float32Array [N_res * 37 * 3]  Å, row-major (residue, atom37, xyz)
 *   atomMask    Float32Array [N_res * 37]      1 where the atom was read
 *   bFactors    Float32Array [N_res]           B-factor of CA (else the residue's first atom);
 *                                              for AlphaFold outputs this is the pLDDT
 */
export interface ChainAtoms {
  /** The chain that was read (author chain id). */
  chainId: string;
  /** Every chain id in the model read, in file order. */
  chainsPresent: string[];
  /** One-letter sequence, AF2 restypes; 'X' for anything non-standard. */
  sequence: string;
  /** Three-letter residue names as read (MSE reported as MET). */
  resNames: string[];
  /** Author residue numbers (PDB resSeq / mmCIF auth_seq_id). */
  residueNumbers: Int32Array; // [N_res]
  /** Insertion codes, '' where none. */
  insertionCodes: string[];
  positions: Float32Array; // [N_res, 37, 3]
  atomMask: Float32Array; // [N_res, 37]
  bFactors: Float32Array; // [N_res]
}

/** A structure file that cannot be read; the message names the format, the line and the problem. */
export class StructureReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StructureReadError';
  }
}
