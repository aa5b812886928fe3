/**
 * A small CIF 1.1 reader: tokens (bare, 'quoted', "quoted", ;text fields;), comments, the first
 * data block, and its categories as tables of strings. Enough for `_atom_site`; not a validator.
 */

import { StructureReadError } from './types.ts';

export interface CifToken {
  text: string;
  line: number; // 1-based
  quoted: boolean; // quoted or text field: never a keyword, '.' or '?'
}

export function tokenizeCif(text: string): CifToken[] {
  const out: CifToken[] = [];
  const n = text.length;
  let i = 0;
  let line = 1;
  let atLineStart = true;
  while (i < n) {
    const c = text[i];
    if (c === '\n') {
      line++;
      i++;
      atLineStart = true;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      atLineStart = false;
      continue;
    }
    if (c === '#') {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    if (c === ';' && atLineStart) {
      const startLine = line;
      const end = text.indexOf('\n;', i);
      if (end < 0)
        throw new StructureReadError(`mmCIF line ${startLine}: text field opened with ';' is never closed`);
      const body = text.slice(i + 1, end);
      out.push({ text: body.replace(/\r?\n$/, '').replace(/^\r?\n/, ''), line: startLine, quoted: true });
      for (let k = i; k < end + 2; k++) if (text[k] === '\n') line++;
      i = end + 2;
      atLineStart = false;
      continue;
    }
    atLineStart = false;
    if (c === "'" || c === '"') {
      // closes at the same quote followed by whitespace or end of input
      let j = i + 1;
      while (j < n && !(text[j] === c && (j + 1 >= n || /\s/.test(text[j + 1])))) {
        if (text[j] === '\n') {
          throw new StructureReadError(
            `mmCIF line ${line}: quoted value ${text.slice(i, j)} is not closed on its line`,
          );
        }
        j++;
      }
      if (j >= n) throw new StructureReadError(`mmCIF line ${line}: quoted value is not closed`);
      out.push({ text: text.slice(i + 1, j), line, quoted: true });
      i = j + 1;
      continue;
    }
    let j = i;
    while (j < n && !/\s/.test(text[j])) j++;
    out.push({ text: text.slice(i, j), line, quoted: false });
    i = j;
  }
  return out;
}

export interface CifCategory {
  fields: string[];
  /** rows[r][f]: values as written; null for '?' and '.' */
  rows: (string | null)[][];
  /** line of each row's first value */
  rowLines: number[];
}

/** Categories of the first data block, by name without the leading underscore (e.g. 'atom_site'). */
export function parseCifBlock(text: string): Map<string, CifCategory> {
  const tokens = tokenizeCif(text);
  const cats = new Map<string, CifCategory>();
  const isKeyword = (t: CifToken, k: string) => !t.quoted && t.text.toLowerCase().startsWith(k);
  const isTag = (t: CifToken) => !t.quoted && t.text.startsWith('_');
  const value = (t: CifToken): string | null =>
    !t.quoted && (t.text === '?' || t.text === '.') ? null : t.text;
  const split = (t: CifToken): [string, string] => {
    const dot = t.text.indexOf('.');
    if (dot < 0)
      throw new StructureReadError(
        `mmCIF line ${t.line}: tag ${t.text} has no category (expected _category.item)`,
      );
    return [t.text.slice(1, dot), t.text.slice(dot + 1)];
  };
  let k = 0;
  let seenData = false;
  while (k < tokens.length) {
    const t = tokens[k];
    if (isKeyword(t, 'data_')) {
      if (seenData) break; // first block only
      seenData = true;
      k++;
    } else if (isKeyword(t, 'loop_')) {
      k++;
      const tags: CifToken[] = [];
      while (k < tokens.length && isTag(tokens[k])) tags.push(tokens[k++]);
      if (tags.length === 0) throw new StructureReadError(`mmCIF line ${t.line}: loop_ has no tags`);
      const [cat] = split(tags[0]);
      const fields = tags.map((g) => {
        const [c, f] = split(g);
        if (c !== cat)
          throw new StructureReadError(`mmCIF line ${g.line}: loop mixes categories ${cat} and ${c}`);
        return f;
      });
      const category: CifCategory = { fields, rows: [], rowLines: [] };
      const values: CifToken[] = [];
      while (
        k < tokens.length &&
        !isTag(tokens[k]) &&
        !isKeyword(tokens[k], 'loop_') &&
        !isKeyword(tokens[k], 'data_')
      ) {
        values.push(tokens[k++]);
      }
      if (values.length % fields.length !== 0) {
        const lastLine = values.length ? values[values.length - 1].line : t.line;
        throw new StructureReadError(
          `mmCIF line ${lastLine}: loop _${cat} has ${values.length} values, not a multiple of its ${fields.length} fields`,
        );
      }
      for (let r = 0; r < values.length; r += fields.length) {
        category.rows.push(values.slice(r, r + fields.length).map(value));
        category.rowLines.push(values[r].line);
      }
      cats.set(cat, category);
    } else if (isTag(t)) {
      const [cat, field] = split(t);
      const v = tokens[k + 1];
      if (!v || isTag(v) || isKeyword(v, 'loop_') || isKeyword(v, 'data_')) {
        throw new StructureReadError(`mmCIF line ${t.line}: tag ${t.text} has no value`);
      }
      let category = cats.get(cat);
      if (!category) {
        category = { fields: [], rows: [[]], rowLines: [t.line] };
        cats.set(cat, category);
      }
      category.fields.push(field);
      category.rows[0].push(value(v));
      k += 2;
    } else {
      throw new StructureReadError(`mmCIF line ${t.line}: unexpected value "${t.text}" outside a loop`);
    }
  }
  if (!seenData) throw new StructureReadError('mmCIF: no data_ block found');
  return cats;
}
