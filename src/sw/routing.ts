/**
 * Which requests the service worker answers from the precache. Everything else (other origins:
 * parameter downloads and remote MSA servers; POSTs; files outside the build) goes to the
 * network untouched, so nothing but the app's own files is ever served stale.
 */
export type Route = { kind: 'precache'; url: string } | { kind: 'network' };

export interface RouteRequest {
  url: string;
  method: string;
  /** Request.mode: 'navigate' for page loads */
  mode: string;
}

/**
 * `precached` holds absolute URLs without query or hash; `fallback` is the app shell's absolute
 * URL. Navigations inside the scope to a path without a file extension (`/`, `/?job=…`) get the
 * app shell; a precached file is served for its path (a query string only on navigations).
 */
export function routeRequest(
  req: RouteRequest,
  scope: string,
  precached: ReadonlySet<string>,
  fallback: string,
): Route {
  if (req.method !== 'GET') return { kind: 'network' };
  const url = new URL(req.url);
  if (!url.href.startsWith(scope)) return { kind: 'network' };
  const bare = `${url.origin}${url.pathname}`;
  const navigation = req.mode === 'navigate';
  if ((navigation || !url.search) && precached.has(bare)) return { kind: 'precache', url: bare };
  if (navigation) {
    const last = url.pathname.slice(url.pathname.lastIndexOf('/') + 1);
    if (!last.includes('.')) return { kind: 'precache', url: fallback };
  }
  return { kind: 'network' };
}
