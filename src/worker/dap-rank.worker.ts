/**
 * One rank of a fold split over dedicated workers of this tab (DAP over SharedArrayBuffer): joins
 * the group its host (the fold worker, ./dap-workers.ts) started, acquires its own GPUDevice,
 * loads the parameters from OPFS (or the demo set) itself and runs the same fold as every other
 * rank with its collective. Rank 0 reports progress and the result; the others report that their
 * share is done. A failure is reported with the rank it names, and the collective is closed so
 * the other ranks stop at once.
 */
import { joinFromHost } from '../dap/collectives/worker-host.ts';
import { rankFailureOf } from './dap-failure.ts';
import type { RankMessage, RankPayload } from './dap-rank-messages.ts';
import { chooseEngine } from './engine-choice.ts';
import { assertPrecisionAvailable, runFold, transferables } from './fold-core.ts';
import { paramsHandles } from './params-handles.ts';

const post = (m: RankMessage, transfer: Transferable[] = []) => self.postMessage(m, transfer);

const { coll, payload } = await joinFromHost(self);
const { job } = payload as RankPayload;
try {
  const { engine, choice } = await chooseEngine('webgpu');
  if (!choice.gpu) throw new Error(`this rank's worker has no WebGPU engine: ${choice.label}`);
  assertPrecisionAvailable(job.settings.precision, choice);
  const t0 = performance.now();
  const params = await paramsHandles().handleFor(job.settings.paramsId);
  const result = await runFold(
    engine,
    choice.label,
    job,
    params,
    performance.now() - t0,
    coll.rank === 0 ? (event) => post({ type: 'progress', event }) : undefined,
    { collective: coll, transport: 'workers' },
  );
  if (coll.rank === 0) {
    post({ type: 'result', result }, transferables(result.prediction));
  } else post({ type: 'done', rank: coll.rank });
} catch (err) {
  post({ type: 'failed', ...rankFailureOf(coll.rank, err) });
  coll.close();
}
