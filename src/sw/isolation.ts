/**
 * Cross-origin isolation for responses the service worker serves. SharedArrayBuffer and precise
 * timers need `crossOriginIsolated`, which a page (and each worker) only gets when its own
 * response carries COOP and COEP. The server sends them (vite.config.ts); responses served from
 * the cache get them here, so the app stays isolated offline and on hosts that cannot set headers.
 */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** Statuses whose responses have no body (the Response constructor refuses one). */
const NULL_BODY = new Set([204, 205, 304]);

/**
 * The same response (status, body stream, headers) with the isolation headers set. Opaque
 * responses and statuses the Response constructor cannot build are returned as they are.
 * The copy is never `redirected`, so it may answer a navigation.
 */
export function withIsolation(res: Response): Response {
  if (res.type === 'opaque' || res.type === 'opaqueredirect' || res.status < 200 || res.status > 599) {
    return res;
  }
  const headers = new Headers(res.headers);
  for (const [name, value] of Object.entries(ISOLATION_HEADERS)) headers.set(name, value);
  return new Response(NULL_BODY.has(res.status) ? null : res.body, {
    status: res.status,
    statusText: res.statusText,
    headers,
  });
}
