/**
 * Merging the A3M files of a ColabFold MMseqs2 result into one alignment for one query.
 *
 * Each file holds one block per submitted query, blocks separated by NUL bytes, each block
 * opening with the query under its submission number (">101" for the first). ColabFold
 * concatenates the blocks of one number across files. DISCREPANCY: ColabFold keeps every
 * file's copy of the query row (AF2's feature pipeline drops the duplicate later); here the
 * query row is written once, so the A3M a user downloads has each sequence once.
 */
import { RemoteMsaError } from './errors.ts';

/** Preference order of the API's A3M files (ColabFold's: UniRef first, then environmental). */
export const A3M_FILES = ['uniref.a3m', 'bfd.mgnify30.metaeuk30.smag30.a3m'];

interface Block {
  queryHeader: string;
  query: string;
  /** every line after the query record, newline-terminated */
  rest: string;
}

/** The block of query number `n` in one A3M file's text, or undefined. */
export function blockFor(text: string, n: number): Block | undefined {
  for (const raw of text.split('\0')) {
    const lines = raw.replace(/\r/g, '').split('\n');
    while (lines.length && lines[0].trim() === '') lines.shift();
    if (!lines.length || lines[0].slice(1).trim().split(/\s+/)[0] !== String(n)) continue;
    let i = 1;
    let query = '';
    while (i < lines.length && !lines[i].startsWith('>')) query += lines[i++].trim();
    const rest = lines
      .slice(i)
      .filter((l) => l.trim() !== '')
      .map((l) => `${l}\n`)
      .join('');
    return { queryHeader: lines[0], query, rest };
  }
  return undefined;
}

/**
 * One A3M for query `n` from the result files (by name), query row first and once, named
 * `queryName` when given. Throws naming the files when none holds the query.
 */
export function mergeA3m(files: Map<string, string>, n = 101, queryName?: string): string {
  const names = [
    ...A3M_FILES.filter((f) => files.has(f)),
    ...[...files.keys()].filter((f) => f.endsWith('.a3m') && !A3M_FILES.includes(f) && f !== 'pair.a3m'),
  ];
  const blocks = names
    .map((name) => ({ name, block: blockFor(files.get(name) ?? '', n) }))
    .filter((b): b is { name: string; block: Block } => b.block !== undefined);
  if (blocks.length === 0) {
    const have = [...files.keys()].join(', ') || 'no files';
    throw new RemoteMsaError(
      'no-a3m',
      `the result archive has no alignment for query ${n} (it holds ${have})`,
    );
  }
  const { query } = blocks[0].block;
  for (const { name, block } of blocks) {
    if (block.query.toUpperCase() !== query.toUpperCase()) {
      throw new RemoteMsaError(
        'no-a3m',
        `the result file ${name} aligns to another query than ${blocks[0].name} (${block.query.length} vs ${query.length} residues)`,
      );
    }
  }
  const header = queryName ? `>${queryName}` : blocks[0].block.queryHeader;
  return `${header}\n${query}\n${blocks.map((b) => b.block.rest).join('')}`;
}
