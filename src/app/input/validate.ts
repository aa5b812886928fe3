/**
 * Input checks as the user types: a pasted FASTA (or bare sequence) or an uploaded A3M becomes
 * one query sequence, or an error naming the letter and its position.
 */
import { parseA3m } from '../../model/features/a3m.ts';
import { parseFasta } from '../../model/features/fasta.ts';

export type SequenceCheck =
  | { status: 'empty' }
  | { status: 'ok'; sequence: string; description: string; length: number }
  | {
      status: 'error';
      message: string;
      /** 1-based residue position of the offending character, when there is one */
      position?: number;
      /** the offending character as the parser named it, e.g. `'1'` or `U+0009` */
      letter?: string;
    };

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function located(message: string): SequenceCheck {
  const pos = /at position (\d+)/.exec(message);
  const letter = /character ('.'|'\\t'|U\+[0-9A-F]{4})/.exec(message);
  return {
    status: 'error',
    message,
    position: pos ? Number(pos[1]) : undefined,
    letter: letter ? letter[1] : undefined,
  };
}

/** Check pasted FASTA text (one record, or a bare sequence). */
export function checkFasta(text: string): SequenceCheck {
  if (text.trim() === '') return { status: 'empty' };
  let records: ReturnType<typeof parseFasta>;
  try {
    records = parseFasta(text);
  } catch (err) {
    return located(messageOf(err));
  }
  if (records.length > 1) {
    return {
      status: 'error',
      message: `${records.length} sequences found; webfold folds one chain (monomer) at a time — keep one record`,
    };
  }
  const [r] = records;
  return { status: 'ok', sequence: r.sequence, description: r.description, length: r.sequence.length };
}

export type AlignmentCheck =
  | { status: 'ok'; query: string; description: string; rows: number; length: number }
  | { status: 'error'; message: string };

/** Check an A3M alignment; its first row is the query. */
export function checkA3m(text: string): AlignmentCheck {
  try {
    const msa = parseA3m(text);
    const query = msa.sequences[0] ?? '';
    if (query.length === 0) return { status: 'error', message: 'the A3M has no query row' };
    if (query.includes('-')) {
      return {
        status: 'error',
        message: `the A3M's first row (the query) has a gap '-' at position ${query.indexOf('-') + 1}; the query must be the full sequence`,
      };
    }
    return {
      status: 'ok',
      query,
      description: msa.descriptions[0] ?? '',
      rows: msa.sequences.length,
      length: query.length,
    };
  } catch (err) {
    return { status: 'error', message: messageOf(err) };
  }
}

/** A short job name from a FASTA description or file name. */
export function jobNameFrom(description: string, fallback: string): string {
  const id = description.trim().split(/\s+/)[0] ?? '';
  return (id || fallback).slice(0, 60);
}
