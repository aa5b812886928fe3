/**
 * Minimal CIF 1.1 text emitter: single-row categories as `_cat.item value` pairs, multi-row
 * categories as `loop_`s, values quoted where the syntax needs it.
 */

export type CifValue = string | number | null | undefined;

const NEEDS_QUOTES = /[\s'"]|^[_#$;[\]]|^(data_|save_|loop_|global_|stop_)/i;

/** One CIF token: null → '?', undefined → '.', strings quoted if needed. */
export function cifToken(v: CifValue): string {
  if (v === null) return '?';
  if (v === undefined) return '.';
  if (typeof v === 'number') return String(v);
  if (v === '') return '.';
  if (v === '.' || v === '?') return `'${v}'`;
  if (!NEEDS_QUOTES.test(v)) return v;
  if (v.includes('\n')) {
    if (v.includes('\n;')) throw new Error(`CIF text field cannot contain a line starting with ';': ${v}`);
    return `\n;${v}\n;`;
  }
  if (!v.includes("'")) return `'${v}'`;
  if (!v.includes('"')) return `"${v}"`;
  // CIF 1.1: a quote inside a quoted value is fine unless whitespace follows it.
  if (!/'\s/.test(v) && !v.endsWith("'")) return `'${v}'`;
  if (!/"\s/.test(v) && !v.endsWith('"')) return `"${v}"`;
  return `\n;${v}\n;`;
}

/** A single-row category: `_cat.item value`, items aligned. */
export function cifPairs(category: string, items: Record<string, CifValue>): string {
  const keys = Object.keys(items);
  const width = Math.max(...keys.map((k) => k.length)) + category.length + 3;
  const lines = keys.map((k) => `${`_${category}.${k}`.padEnd(width)}${cifToken(items[k])}`);
  return `${lines.join('\n')}\n#\n`;
}

/** A loop: header items, then one line per row (rows are arrays in header order). */
export function cifLoop(
  category: string,
  items: readonly string[],
  rows: readonly (readonly CifValue[])[],
): string {
  const out: string[] = ['loop_'];
  for (const k of items) out.push(`_${category}.${k}`);
  for (const row of rows) {
    if (row.length !== items.length) {
      throw new Error(`_${category} row has ${row.length} values for ${items.length} items`);
    }
    out.push(row.map(cifToken).join(' '));
  }
  return `${out.join('\n')}\n#\n`;
}
