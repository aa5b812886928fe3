/** What the page itself knows about its environment, read once at load. */
export interface PageEnv {
  secureContext: boolean;
  crossOriginIsolated: boolean;
  hasNavigatorGpu: boolean;
  sharedArrayBuffer: boolean;
  userAgent: string;
}

export function readPageEnv(): PageEnv {
  return {
    secureContext: globalThis.isSecureContext === true,
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    hasNavigatorGpu: typeof navigator !== 'undefined' && 'gpu' in navigator && navigator.gpu !== undefined,
    sharedArrayBuffer: typeof SharedArrayBuffer === 'function',
    userAgent: typeof navigator !== 'undefined' ? navigator.userAgent : '',
  };
}

export const pageEnv: PageEnv = readPageEnv();
