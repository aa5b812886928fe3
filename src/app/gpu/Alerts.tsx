/** Problems that need the user's attention: a lost device, a crashed worker. */
export function DeviceLostAlert({ message }: { message: string }) {
  return (
    <div className="alert alert-bad" role="alert" data-testid="device-lost">
      <strong>The GPU device was lost.</strong> {message}
      <p>
        This happens when the GPU driver resets, the system sleeps, or another tab uses too much GPU memory.
        Press “Run self-test again” to acquire a new device.
      </p>
    </div>
  );
}

export function WorkerCrashAlert({ message }: { message: string }) {
  return (
    <div className="alert alert-bad" role="alert" data-testid="worker-error">
      <strong>The GPU worker stopped.</strong> {message}
      <p>Press “Run self-test again” to start a new worker.</p>
    </div>
  );
}
