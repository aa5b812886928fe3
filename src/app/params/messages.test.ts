/** Import errors as the Parameters panel words them, for errors as comlink hands them over. */
import { describe, expect, it } from 'vitest';
import { quotaMessage } from '../../worker/params-store.ts';
import { explainImportError } from './messages.ts';

/** What comlink rebuilds on the page from a worker's thrown Error: message and name kept. */
function fromWorker(name: string, message: string): Error {
  return Object.assign(new Error(message), { name });
}

describe('explainImportError', () => {
  it("passes the store's quota explanation through (need against the estimate)", () => {
    const message = quotaMessage(370 * 2 ** 20, 900 * 2 ** 20, 1024 * 2 ** 20);
    const text = explainImportError('params_model_1_ptm.npz', fromWorker('StorageQuotaError', message));
    expect(text).toBe(message);
    expect(text).toContain('it needs 370.0 MiB, and the browser reports 124.0 MiB free for this site');
  });

  it('explains a bare QuotaExceededError in words and keeps the browser message', () => {
    const err = new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    const text = explainImportError('alphafold_params.tar (model_2)', err);
    expect(text).toMatch(
      /^Not enough browser storage to import alphafold_params\.tar \(model_2\); nothing was stored\./,
    );
    expect(text).toContain('(The quota has been exceeded.)');
  });

  it('names a file that is not a parameter archive', () => {
    const text = explainImportError('query.a3m', fromWorker('ParamsError', 'query.a3m: not a ZIP archive'));
    expect(text).toContain('query.a3m is not a parameter file');
  });
});
