/**
 * A3M parsing (AF2 `parsers.parse_a3m` + the de-duplication of `make_msa_features`, plus validation).
 *
 * Row format: upper-case letters and `-` are aligned columns (one per query residue); lower-case
 * letters are insertions relative to the query. The deletion count of an aligned column is the
 * number of lower-case letters immediately before it; insertions after the last aligned column
 * are dropped (as AF2 does). Also tolerated: whitespace, `.` (an A2M insert-gap; ignored, it is
 * neither a residue nor a deletion), a terminal `*`, and `#` lines before the first record (the
 * ColabFold/HH-suite A3M header). The first row is the query.
 */
import { FeatureInputError } from './errors.ts';

export interface Msa {
  /** Aligned rows: upper-case letters and '-', all the query's length. Row 0 is the query. */
  sequences: string[];
  /** deletionMatrix[row][col] = insertions before aligned column col. */
  deletionMatrix: number[][];
  /** Header text of each row (after '>'). */
  descriptions: string[];
}

function rowName(description: string, row: number): string {
  const id = description.split(/\s+/)[0];
  return id ? `row ${row} ('${id}')` : `row ${row}`;
}

/** Split one raw A3M row into its aligned sequence and deletion vector. */
function parseRow(raw: string, description: string, row: number): { seq: string; del: number[] } {
  const seq: string[] = [];
  const del: number[] = [];
  let pending = 0;
  let ended = false;
  let pos = 0; // 1-based character position in the row (whitespace excluded)
  for (const c of raw) {
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') continue;
    pos++;
    if (ended) {
      throw new FeatureInputError(
        `A3M ${rowName(description, row)}: '*' at character ${pos - 1} is only allowed at the end of the row`,
      );
    }
    if (c === '*') ended = true;
    else if (c === '.') continue;
    else if ((c >= 'A' && c <= 'Z') || c === '-') {
      seq.push(c);
      del.push(pending);
      pending = 0;
    } else if (c >= 'a' && c <= 'z') pending++;
    else {
      throw new FeatureInputError(
        `A3M ${rowName(description, row)}: invalid character '${c}' at character ${pos}` +
          " (expected A–Z, a–z insertions, '-' or '.')",
      );
    }
  }
  return { seq: seq.join(''), del };
}

/**
 * Parse A3M text. Every row must have the query's aligned length; otherwise the error names
 * the 1-based row number (row 1 = query). Duplicates are kept here (see `dedupeMsa`).
 */
export function parseA3m(text: string): Msa {
  const records: { description: string; lines: string[] }[] = [];
  const lines = text.split(/\r?\n|\r/);
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i].trim();
    if (t === '') continue;
    if (t.startsWith('>')) records.push({ description: t.slice(1).trim(), lines: [] });
    else if (records.length === 0) {
      if (t.startsWith('#')) continue;
      throw new FeatureInputError(`A3M line ${i + 1}: sequence data before the first '>' header`);
    } else records[records.length - 1].lines.push(t);
  }
  if (records.length === 0) throw new FeatureInputError('A3M input is empty (no rows found)');
  const msa: Msa = { sequences: [], deletionMatrix: [], descriptions: [] };
  records.forEach((r, i) => {
    const { seq, del } = parseRow(r.lines.join(''), r.description, i + 1);
    if (i === 0 && seq.length === 0) {
      throw new FeatureInputError(`A3M ${rowName(r.description, 1)} (the query) has no aligned residues`);
    }
    if (i > 0 && seq.length !== msa.sequences[0].length) {
      throw new FeatureInputError(
        `A3M ${rowName(r.description, i + 1)}: aligned length ${seq.length} differs from the query's ` +
          `${msa.sequences[0].length} (count upper-case letters and '-' only)`,
      );
    }
    msa.sequences.push(seq);
    msa.deletionMatrix.push(del);
    msa.descriptions.push(r.description);
  });
  return msa;
}

/**
 * Drop rows whose aligned sequence equals an earlier row's, keeping the first occurrence and its
 * deletion vector (AF2 `make_msa_features`; insertions do not make rows distinct).
 */
export function dedupeMsa(msa: Msa): Msa {
  const seen = new Set<string>();
  const out: Msa = { sequences: [], deletionMatrix: [], descriptions: [] };
  msa.sequences.forEach((s, i) => {
    if (seen.has(s)) return;
    seen.add(s);
    out.sequences.push(s);
    out.deletionMatrix.push(msa.deletionMatrix[i]);
    out.descriptions.push(msa.descriptions[i]);
  });
  return out;
}
