import type { PageEnv } from './page-env.ts';

interface Props {
  env: PageEnv;
  /** Whether the worker has `navigator.gpu`. */
  workerHasGpu: boolean;
  error: string | undefined;
}

/** Why WebGPU is missing, and how to get it. */
export function Unavailable({ env, workerHasGpu, error }: Props) {
  const reason = !env.secureContext
    ? 'This page is not a secure context, and browsers only offer WebGPU to secure pages.'
    : !env.hasNavigatorGpu && !workerHasGpu
      ? 'This browser does not offer WebGPU (navigator.gpu is missing).'
      : 'This browser has WebGPU, but it offered no usable GPU adapter (the GPU or its driver may be blocked, or WebGPU is disabled).';
  return (
    <div className="alert alert-bad" data-testid="webgpu-unavailable">
      <h3>WebGPU is not available</h3>
      <p>{reason}</p>
      {error && (
        <p>
          Details: <code data-testid="webgpu-error">{error}</code>
        </p>
      )}
      <p>webfold runs AlphaFold2 on your GPU through WebGPU. To enable it:</p>
      <ul>
        <li>
          Use a current Chrome or Edge (113 or newer) on Windows, macOS or ChromeOS, or Chrome 121+ on
          Android.
        </li>
        <li>
          On Linux, Chrome/Chromium: open <code>chrome://flags/#enable-unsafe-webgpu</code>, enable it, and
          restart; or start the browser with <code>--enable-unsafe-webgpu</code>.
        </li>
        <li>
          Firefox 141+ (Windows) and Safari 26+ ship WebGPU; in older versions enable it in their settings.
        </li>
        <li>
          Check <code>chrome://gpu</code> for “WebGPU: Hardware accelerated”, and update the graphics driver
          if the GPU is blocklisted.
        </li>
        {!env.secureContext && (
          <li>Open the page over https:// or from http://localhost / http://127.0.0.1.</li>
        )}
      </ul>
    </div>
  );
}
