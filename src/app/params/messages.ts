/** Import errors in words a user can act on (the worker's message names the file, key, shape). */
import { errorMessage } from '../fold/client.ts';

export const EXPECTED_FILES =
  'Expected an AlphaFold2 parameter file: params_model_N.npz or params_model_N_ptm.npz (N = 1–5), ' +
  'or the whole alphafold_params_2022-12-06.tar.';

export function explainImportError(fileName: string, err: unknown): string {
  const name = err instanceof Error ? err.name : '';
  const message = errorMessage(err);
  // The worker's StorageQuotaError already says what was needed against the browser's estimate.
  if (name === 'StorageQuotaError') return message;
  if (name === 'QuotaExceededError') {
    return (
      `Not enough browser storage to import ${fileName}; nothing was stored. Remove parameter sets you ` +
      `no longer need, free disk space, or allow this site to store more. (${message})`
    );
  }
  if (name === 'CancelledError') return `Import of ${fileName} cancelled; nothing was stored.`;
  if (/not a ZIP|npz archive|end-of-central-directory/i.test(message)) {
    return `${fileName} is not a parameter file: it is not an .npz archive (nor a params .tar). ${EXPECTED_FILES}`;
  }
  if (/multimer/i.test(message)) {
    return `${fileName} holds AlphaFold-Multimer parameters; webfold folds monomers. ${EXPECTED_FILES}\n${message}`;
  }
  if (/invalid AlphaFold parameters|missing|unexpected|shape/i.test(message)) {
    return `${fileName} is not a complete AlphaFold2 monomer parameter set. ${message}`;
  }
  return `${fileName} could not be imported: ${message}`;
}
