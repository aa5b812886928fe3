/**
 * Minimal PDB and mmCIF readers for one protein chain (for templates and for reading outputs
 * back): the first model, one chain, atom37 positions and mask per residue, in file order.
 * Follows AF2 `protein.from_pdb_string` and `templates.py` conventions: residue names outside
 * the 20 standard ones become X/UNK; selenomethionine (MSE) is read as MET with SE → SD; atoms
 * outside atom37 (hydrogens etc.) are ignored; for alternate locations the first one wins;
 * waters and other hetero groups are skipped.
 */
import { FeatureInputError } from './errors.ts';
import { atomOrder, atomTypeNum, restype3to1 } from './residue-constants.ts';

export interface ChainStructure {
  chainId: string;
  /** One-letter sequence; 'X' for non-standard residues. */
  sequence: string;
  /** Residue names as read (MSE reported as MET). */
  resnames: string[];
  /** Author residue number + insertion code, e.g. '27' or '27A'. */
  residueNumbers: string[];
  /** [N_res, 37, 3] Å */
  atomPositions: Float32Array;
  /** [N_res, 37] */
  atomMask: Float32Array;
  /** [N_res] B-factor of CA (else of the first atom read): pLDDT in AF2 outputs. */
  bFactors: Float32Array;
}

interface AtomRow {
  line: number;
  hetero: boolean;
  name: string;
  resName: string;
  chain: string;
  resSeq: string;
  iCode: string;
  x: number;
  y: number;
  z: number;
  b: number;
  model: string;
}

const WATERS = new Set(['HOH', 'WAT', 'DOD', 'H2O']);

function assemble(rows: AtomRow[], chainId: string | undefined, format: string): ChainStructure {
  if (rows.length === 0) throw new FeatureInputError(`${format}: no atom records found`);
  const model = rows[0].model;
  const inModel = rows.filter((r) => r.model === model);
  const chains = [...new Set(inModel.map((r) => r.chain))];
  const chain = chainId ?? chains[0];
  if (!chains.includes(chain)) {
    throw new FeatureInputError(`${format}: chain '${chain}' not found (chains: ${chains.join(', ')})`);
  }
  const residues: { key: string; resname: string; atoms: Map<number, AtomRow> }[] = [];
  const byKey = new Map<string, (typeof residues)[number]>();
  for (const r of inModel) {
    if (r.chain !== chain || WATERS.has(r.resName)) continue;
    let resName = r.resName;
    let name = r.name;
    if (resName === 'MSE') {
      resName = 'MET';
      if (name === 'SE') name = 'SD';
    }
    if (r.hetero && restype3to1[resName] === undefined) continue; // ligands
    const key = `${r.resSeq}${r.iCode}`;
    let res = byKey.get(key);
    if (!res) {
      res = { key, resname: resName, atoms: new Map() };
      byKey.set(key, res);
      residues.push(res);
    }
    const a = atomOrder[name];
    if (a !== undefined && !res.atoms.has(a)) res.atoms.set(a, r);
  }
  if (residues.length === 0) throw new FeatureInputError(`${format}: chain '${chain}' has no residues`);
  const n = residues.length;
  const out: ChainStructure = {
    chainId: chain,
    sequence: residues.map((r) => restype3to1[r.resname] ?? 'X').join(''),
    resnames: residues.map((r) => r.resname),
    residueNumbers: residues.map((r) => r.key),
    atomPositions: new Float32Array(n * atomTypeNum * 3),
    atomMask: new Float32Array(n * atomTypeNum),
    bFactors: new Float32Array(n),
  };
  residues.forEach((res, i) => {
    for (const [a, r] of res.atoms) {
      out.atomPositions.set([r.x, r.y, r.z], (i * atomTypeNum + a) * 3);
      out.atomMask[i * atomTypeNum + a] = 1;
    }
    const ca = res.atoms.get(atomOrder['CA']) ?? [...res.atoms.values()][0];
    out.bFactors[i] = ca ? ca.b : 0;
  });
  return out;
}

function num(text: string, what: string, line: number, format: string): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v)) {
    throw new FeatureInputError(`${format} line ${line}: bad ${what} '${text.trim()}'`);
  }
  return v;
}

/** Read one chain (default: the first) of the first model of a PDB file. */
export function readPdbChain(text: string, chainId?: string): ChainStructure {
  const rows: AtomRow[] = [];
  let model = '1';
  let modelsSeen = 0;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    const rec = l.slice(0, 6);
    if (rec === 'MODEL ') {
      model = l.slice(10, 14).trim() || String(modelsSeen + 1);
      modelsSeen++;
      continue;
    }
    if (rec !== 'ATOM  ' && rec !== 'HETATM') continue;
    if (l.length < 54) throw new FeatureInputError(`PDB line ${i + 1}: ${rec.trim()} record is too short`);
    rows.push({
      line: i + 1,
      hetero: rec === 'HETATM',
      name: l.slice(12, 16).trim(),
      resName: l.slice(17, 20).trim(),
      chain: l.slice(21, 22).trim(),
      resSeq: l.slice(22, 26).trim(),
      iCode: l.slice(26, 27).trim(),
      x: num(l.slice(30, 38), 'x coordinate', i + 1, 'PDB'),
      y: num(l.slice(38, 46), 'y coordinate', i + 1, 'PDB'),
      z: num(l.slice(46, 54), 'z coordinate', i + 1, 'PDB'),
      b: l.length >= 66 && l.slice(60, 66).trim() ? num(l.slice(60, 66), 'B-factor', i + 1, 'PDB') : 0,
      model,
    });
  }
  return assemble(rows, chainId, 'PDB');
}

/** CIF tokens with their line numbers (quotes, `;` text fields and `#` comments handled). */
function cifTokens(text: string): { t: string; line: number; quoted: boolean }[] {
  const out: { t: string; line: number; quoted: boolean }[] = [];
  const lines = text.split(/\r?\n/);
  for (let li = 0; li < lines.length; li++) {
    const l = lines[li];
    if (l.startsWith(';')) {
      const parts = [l.slice(1)];
      const start = li;
      while (++li < lines.length && !lines[li].startsWith(';')) parts.push(lines[li]);
      out.push({ t: parts.join('\n'), line: start + 1, quoted: true });
      continue;
    }
    let i = 0;
    while (i < l.length) {
      const c = l[i];
      if (c === ' ' || c === '\t') {
        i++;
      } else if (c === '#') {
        break;
      } else if (c === "'" || c === '"') {
        let j = i + 1;
        while (j < l.length && !(l[j] === c && (j + 1 === l.length || l[j + 1] === ' ' || l[j + 1] === '\t')))
          j++;
        out.push({ t: l.slice(i + 1, j), line: li + 1, quoted: true });
        i = j + 1;
      } else {
        let j = i;
        while (j < l.length && l[j] !== ' ' && l[j] !== '\t') j++;
        out.push({ t: l.slice(i, j), line: li + 1, quoted: false });
        i = j;
      }
    }
  }
  return out;
}

/** Read one chain (default: the first, by author chain id) of the first model of an mmCIF file. */
export function readMmcifChain(text: string, chainId?: string): ChainStructure {
  const toks = cifTokens(text);
  let k = 0;
  while (k < toks.length && !(toks[k].t === 'loop_' && toks[k + 1]?.t.startsWith('_atom_site.'))) k++;
  if (k >= toks.length) throw new FeatureInputError('mmCIF: no _atom_site loop found');
  k++;
  const tags: string[] = [];
  while (k < toks.length && !toks[k].quoted && toks[k].t.startsWith('_atom_site.'))
    tags.push(toks[k++].t.slice(11));
  const col = (...names: string[]) => {
    for (const n of names) {
      const i = tags.indexOf(n);
      if (i >= 0) return i;
    }
    return -1;
  };
  const need = (name: string, ...alts: string[]) => {
    const i = col(name, ...alts);
    if (i < 0) throw new FeatureInputError(`mmCIF: _atom_site.${name} is missing`);
    return i;
  };
  const c = {
    group: col('group_PDB'),
    name: need('auth_atom_id', 'label_atom_id'),
    resName: need('auth_comp_id', 'label_comp_id'),
    chain: need('auth_asym_id', 'label_asym_id'),
    resSeq: need('auth_seq_id', 'label_seq_id'),
    iCode: col('pdbx_PDB_ins_code'),
    x: need('Cartn_x'),
    y: need('Cartn_y'),
    z: need('Cartn_z'),
    b: col('B_iso_or_equiv'),
    model: col('pdbx_PDB_model_num'),
  };
  const rows: AtomRow[] = [];
  const nt = tags.length;
  while (k + nt <= toks.length) {
    const first = toks[k];
    if (!first.quoted && (first.t === 'loop_' || first.t.startsWith('_') || first.t.startsWith('data_')))
      break;
    const v = toks.slice(k, k + nt);
    const s = (i: number) => (i < 0 || v[i].t === '?' || v[i].t === '.' ? '' : v[i].t);
    const line = first.line;
    rows.push({
      line,
      hetero: s(c.group) === 'HETATM',
      name: s(c.name),
      resName: s(c.resName),
      chain: s(c.chain),
      resSeq: s(c.resSeq),
      iCode: s(c.iCode),
      x: num(s(c.x), 'Cartn_x', line, 'mmCIF'),
      y: num(s(c.y), 'Cartn_y', line, 'mmCIF'),
      z: num(s(c.z), 'Cartn_z', line, 'mmCIF'),
      b: s(c.b) ? num(s(c.b), 'B_iso_or_equiv', line, 'mmCIF') : 0,
      model: s(c.model) || '1',
    });
    k += nt;
  }
  return assemble(rows, chainId, 'mmCIF');
}
