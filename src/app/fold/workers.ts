/**
 * The app's two fold-worker instances: one runs folds (restarted to cancel), one imports
 * parameter sets, so cancelling a fold never interrupts an import and vice versa.
 */
import { clientSlot } from './client.ts';

export const foldWorker = clientSlot('webfold-fold');
export const paramsWorker = clientSlot('webfold-params');
