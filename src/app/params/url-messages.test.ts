import { describe, expect, it } from 'vitest';
import { ParamsError } from '../../model/params/errors.ts';
import { DownloadError } from '../../worker/params-download.ts';
import { explainUrlImportError, urlFileName } from './url-messages.ts';

const URL_ = 'https://example.org/alphafold/params_model_1.npz?x=1';

describe('explainUrlImportError', () => {
  it('keeps download errors as they are, resumable when bytes were kept', () => {
    const cut = new DownloadError(
      'interrupted',
      'the download broke off at 1.0 MiB of 2.0 MiB (x). Resume to continue from there.',
    );
    expect(explainUrlImportError(URL_, cut)).toEqual({ message: cut.message, resumable: true });
    const missing = new DownloadError('http', `${URL_}: HTTP 404 Not Found (no file at this URL)`);
    expect(explainUrlImportError(URL_, missing)).toEqual({ message: missing.message, resumable: false });
    const sha = new DownloadError('sha256', 'SHA-256 mismatch for …');
    expect(explainUrlImportError(URL_, sha).resumable).toBe(false);
  });

  it('explains parameter errors by file name and says nothing was kept', () => {
    const r = explainUrlImportError(
      URL_,
      new ParamsError('bad-format', 'x: not a ZIP archive (no end-of-central-directory record)'),
    );
    expect(r.resumable).toBe(false);
    expect(r.message).toMatch(/^params_model_1\.npz is not a parameter file: it is not an \.npz archive/);
    expect(r.message).toMatch(/\nThe downloaded file was deleted; nothing was stored\.$/);
  });

  it('names the file of a URL', () => {
    expect(urlFileName(URL_)).toBe('params_model_1.npz');
    expect(urlFileName('not a url')).toBe('not a url');
  });
});
