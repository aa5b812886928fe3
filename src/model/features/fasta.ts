/**
 * FASTA parsing for query sequences (AF2 `parsers.parse_fasta`, plus validation).
 *
 * Accepted: one or many records (`>description` then sequence lines); blank lines; whitespace
 * anywhere inside a sequence; lower-case letters (upper-cased); a single terminal `*` per record.
 * A text with no `>` header at all is one record with an empty description (a pasted sequence).
 * Every letter A–Z is accepted because AF2 accepts every letter:
 * - `aatype` (AF2 `sequence_to_onehot(..., map_unknown_to_x=True)`): the 20 standard letters map
 *   to themselves and any other letter (B, J, O, U, X, Z) to X = UNK (20);
 * - the query row of the MSA uses the HHblits alphabet instead: B → D, Z → E, U → C, J/O/X → X.
 * Anything else (digits, `-`, `.`, `*` before the end, punctuation) is an error naming the
 * character, its 1-based residue position and the record.
 */
import { FeatureInputError } from './errors.ts';

export interface FastaRecord {
  /** Header text after `>` (trimmed); '' for a header-less sequence. */
  description: string;
  /** Upper-case one-letter sequence, whitespace and terminal `*` removed. */
  sequence: string;
}

function recordName(description: string, index: number): string {
  const id = description.split(/\s+/)[0];
  return id ? `record ${index + 1} ('${id}')` : `record ${index + 1}`;
}

function describeChar(c: string): string {
  if (c === '\t') return "'\\t'";
  const code = c.codePointAt(0) ?? 0;
  return code < 0x20 || code === 0x7f ? `U+${code.toString(16).toUpperCase().padStart(4, '0')}` : `'${c}'`;
}

/** Validate and normalise one record's raw sequence text (lines already joined). */
function cleanSequence(raw: string, description: string, index: number): string {
  const out: string[] = [];
  let starAt = 0; // 1-based position of a '*' already seen (0: none)
  for (const c of raw) {
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') continue;
    const pos = out.length + 1;
    if (starAt) {
      throw new FeatureInputError(
        `FASTA ${recordName(description, index)}: '*' at position ${starAt} is only allowed at the end of the sequence`,
      );
    }
    if (c === '*') {
      starAt = pos;
      continue;
    }
    const up = c.toUpperCase();
    if (up.length !== 1 || up < 'A' || up > 'Z') {
      throw new FeatureInputError(
        `FASTA ${recordName(description, index)}: invalid character ${describeChar(c)} at position ${pos}` +
          ' (expected a one-letter amino-acid code A–Z)',
      );
    }
    out.push(up);
  }
  if (out.length === 0) {
    throw new FeatureInputError(`FASTA ${recordName(description, index)} has an empty sequence`);
  }
  return out.join('');
}

/** Parse FASTA text into validated records; throws FeatureInputError naming the problem. */
export function parseFasta(text: string): FastaRecord[] {
  const lines = text.split(/\r?\n|\r/);
  const raw: { description: string; seq: string[] }[] = [];
  for (const line of lines) {
    const t = line.trim();
    if (t.startsWith('>')) {
      raw.push({ description: t.slice(1).trim(), seq: [] });
    } else if (t !== '') {
      if (raw.length === 0) raw.push({ description: '', seq: [] });
      raw[raw.length - 1].seq.push(t);
    }
  }
  if (raw.length === 0) throw new FeatureInputError('FASTA input is empty (no sequence found)');
  return raw.map((r, i) => ({
    description: r.description,
    sequence: cleanSequence(r.seq.join(''), r.description, i),
  }));
}
