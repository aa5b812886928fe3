import { describe, expect, it } from 'vitest';
import { cifLoop, cifPairs, cifToken } from './cif-text.ts';

describe('CIF text', () => {
  it('quotes only where the syntax needs it', () => {
    expect(cifToken('ALA')).toBe('ALA');
    expect(cifToken(1.5)).toBe('1.5');
    expect(cifToken(null)).toBe('?');
    expect(cifToken(undefined)).toBe('.');
    expect(cifToken('')).toBe('.');
    expect(cifToken('.')).toBe("'.'");
    expect(cifToken('model coordinates')).toBe("'model coordinates'");
    expect(cifToken("villin's headpiece")).toBe(`"villin's headpiece"`);
    expect(cifToken('_x')).toBe("'_x'");
    expect(cifToken('data_x')).toBe("'data_x'");
    expect(cifToken(`it's "odd" stuff`)).toBe(`'it's "odd" stuff'`);
    expect(cifToken('a\nb')).toBe('\n;a\nb\n;');
  });

  it('writes pairs and loops, and checks row widths', () => {
    expect(cifPairs('entry', { id: 'x' })).toBe('_entry.id x\n#\n');
    expect(cifLoop('atom_type', ['symbol'], [['C'], ['N']])).toBe('loop_\n_atom_type.symbol\nC\nN\n#\n');
    expect(() => cifLoop('a', ['b', 'c'], [['1']])).toThrow(/_a row has 1 values for 2 items/);
  });
});
