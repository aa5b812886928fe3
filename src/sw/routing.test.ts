import { describe, expect, it } from 'vitest';
import { routeRequest } from './routing.ts';

const SCOPE = 'https://fold.example/app/';
const PRECACHED = new Set([`${SCOPE}index.html`, `${SCOPE}assets/index-A1.js`, `${SCOPE}demo/params.npz`]);
const FALLBACK = `${SCOPE}index.html`;
const route = (url: string, mode = 'cors', method = 'GET') =>
  routeRequest({ url, mode, method }, SCOPE, PRECACHED, FALLBACK);

describe('routeRequest', () => {
  it('serves precached files from the cache', () => {
    expect(route(`${SCOPE}assets/index-A1.js`)).toEqual({
      kind: 'precache',
      url: `${SCOPE}assets/index-A1.js`,
    });
    expect(route(`${SCOPE}demo/params.npz`, 'same-origin')).toEqual({
      kind: 'precache',
      url: `${SCOPE}demo/params.npz`,
    });
  });

  it('answers navigations inside the scope with the app shell', () => {
    for (const url of [SCOPE, `${SCOPE}?job=1`, `${SCOPE}results`, `${SCOPE}index.html#x`]) {
      expect(route(url, 'navigate')).toEqual({ kind: 'precache', url: FALLBACK });
    }
  });

  it('leaves other origins, other paths, other methods and unknown files to the network', () => {
    expect(route('https://storage.googleapis.com/alphafold/params.tar')).toEqual({ kind: 'network' });
    expect(route('https://fold.example/other/', 'navigate')).toEqual({ kind: 'network' });
    expect(route(`${SCOPE}assets/index-A1.js`, 'cors', 'POST')).toEqual({ kind: 'network' });
    expect(route(`${SCOPE}assets/index-A1.js.map`)).toEqual({ kind: 'network' });
    expect(route(`${SCOPE}sw.js`)).toEqual({ kind: 'network' });
    expect(route(`${SCOPE}missing.pdb`, 'navigate')).toEqual({ kind: 'network' });
  });

  it('does not serve a cached file for a subresource URL with a query string', () => {
    expect(route(`${SCOPE}assets/index-A1.js?v=2`)).toEqual({ kind: 'network' });
  });
});
