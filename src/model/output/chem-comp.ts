/**
 * Chemical-component facts the mmCIF writer needs for the 20 standard amino acids and UNK:
 * the wwPDB Chemical Component Dictionary name and type (glycine is achiral: "peptide linking").
 */
export const chemCompNames: Readonly<Record<string, string>> = {
  ALA: 'ALANINE',
  ARG: 'ARGININE',
  ASN: 'ASPARAGINE',
  ASP: 'ASPARTIC ACID',
  CYS: 'CYSTEINE',
  GLN: 'GLUTAMINE',
  GLU: 'GLUTAMIC ACID',
  GLY: 'GLYCINE',
  HIS: 'HISTIDINE',
  ILE: 'ISOLEUCINE',
  LEU: 'LEUCINE',
  LYS: 'LYSINE',
  MET: 'METHIONINE',
  PHE: 'PHENYLALANINE',
  PRO: 'PROLINE',
  SER: 'SERINE',
  THR: 'THREONINE',
  TRP: 'TRYPTOPHAN',
  TYR: 'TYROSINE',
  VAL: 'VALINE',
  UNK: 'UNKNOWN',
};

export function chemCompType(resName: string): string {
  return resName === 'GLY' ? 'peptide linking' : 'L-peptide linking';
}
