import { useEffect } from 'react';
import { AdapterDetails, FeatureList } from './AdapterDetails.tsx';
import { DeviceLostAlert, WorkerCrashAlert } from './Alerts.tsx';
import { CpuOffer } from './CpuOffer.tsx';
import { IsolationStatus } from './IsolationStatus.tsx';
import { LimitsTable } from './LimitsTable.tsx';
import { PlanSection } from './PlanSection.tsx';
import { pageEnv } from './page-env.ts';
import { SelfTest } from './SelfTest.tsx';
import { StatusLine } from './StatusLine.tsx';
import { useGpuStore } from './store.ts';
import { Unavailable } from './Unavailable.tsx';

/** The GPU panel: WebGPU availability, the worker's adapter, isolation, and the kernel self-test. */
export function GpuPanel() {
  const probe = useGpuStore((s) => s.probe);
  const selfTest = useGpuStore((s) => s.selfTest);
  const deviceLost = useGpuStore((s) => s.deviceLost);
  const workerCrash = useGpuStore((s) => s.workerCrash);
  const start = useGpuStore((s) => s.start);
  const rerun = useGpuStore((s) => s.rerunSelfTest);

  useEffect(() => {
    void start();
  }, [start]);

  const result = probe.status === 'done' ? probe.result : undefined;
  const adapter = result?.available ? result.adapter : undefined;
  // Shown with a device, and after a crash or loss so the user can retry from it.
  const showSelfTest = Boolean(adapter || workerCrash || deviceLost || probe.status === 'failed');

  return (
    <section className="panel" aria-labelledby="gpu-heading" data-testid="gpu-panel">
      <h2 id="gpu-heading">GPU</h2>
      <StatusLine state={{ probe, workerCrash, deviceLost }} />
      {workerCrash && <WorkerCrashAlert message={workerCrash} />}
      {deviceLost && <DeviceLostAlert message={deviceLost} />}
      {probe.status === 'failed' && !workerCrash && (
        <div className="alert alert-bad" role="alert" data-testid="worker-error">
          <strong>The GPU worker did not answer.</strong> {probe.error}
        </div>
      )}
      {result && !result.available && (
        <Unavailable env={pageEnv} workerHasGpu={result.hasNavigatorGpu} error={result.error} />
      )}
      {result && !result.available && <CpuOffer />}
      {adapter ? (
        <div className="grid">
          <AdapterDetails adapter={adapter} />
          <IsolationStatus env={pageEnv} workerIsolated={result?.crossOriginIsolated} />
        </div>
      ) : (
        <IsolationStatus env={pageEnv} workerIsolated={result?.crossOriginIsolated} />
      )}
      {adapter && <PlanSection />}
      {showSelfTest && (
        <SelfTest state={selfTest} canRun={probe.status !== 'probing'} onRun={() => void rerun()} />
      )}
      {adapter && (
        <div className="grid">
          <FeatureList features={adapter.features} />
          <LimitsTable limits={adapter.limits} />
        </div>
      )}
    </section>
  );
}
