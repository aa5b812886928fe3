import { describe, expect, it } from 'vitest';
import { ISOLATION_HEADERS, withIsolation } from './isolation.ts';

describe('withIsolation', () => {
  it('adds COOP, COEP and CORP and keeps status, body and the other headers', async () => {
    const res = new Response('<html>', {
      status: 200,
      statusText: 'OK',
      headers: { 'Content-Type': 'text/html', 'X-Webfold-Revision': 'abc' },
    });
    const out = withIsolation(res);
    expect(out.headers.get('Cross-Origin-Opener-Policy')).toBe('same-origin');
    expect(out.headers.get('Cross-Origin-Embedder-Policy')).toBe('require-corp');
    expect(out.headers.get('Cross-Origin-Resource-Policy')).toBe('same-origin');
    expect(out.headers.get('Content-Type')).toBe('text/html');
    expect(out.headers.get('X-Webfold-Revision')).toBe('abc');
    expect(out.status).toBe(200);
    expect(out.statusText).toBe('OK');
    expect(out.redirected).toBe(false);
    expect(await out.text()).toBe('<html>');
  });

  it('overrides weaker policies the server sent', () => {
    const res = new Response('x', { headers: { 'Cross-Origin-Embedder-Policy': 'unsafe-none' } });
    expect(withIsolation(res).headers.get('Cross-Origin-Embedder-Policy')).toBe('require-corp');
  });

  it('keeps bytes exactly and builds bodiless statuses without a body', async () => {
    const bytes = new Uint8Array([0, 1, 2, 255]);
    const out = withIsolation(new Response(bytes, { status: 206 }));
    expect(new Uint8Array(await out.arrayBuffer())).toEqual(bytes);
    const empty = withIsolation(new Response(null, { status: 204 }));
    expect(empty.status).toBe(204);
    expect(empty.body).toBeNull();
    expect(empty.headers.get('Cross-Origin-Opener-Policy')).toBe('same-origin');
  });

  it('passes error responses through, isolated too (a 404 page must not break isolation)', () => {
    const out = withIsolation(new Response('missing', { status: 404 }));
    expect(out.status).toBe(404);
    for (const [k, v] of Object.entries(ISOLATION_HEADERS)) expect(out.headers.get(k)).toBe(v);
  });

  it('returns opaque responses as they are (their headers cannot be read or rewritten)', () => {
    const opaque = { type: 'opaque', status: 0, headers: new Headers() } as unknown as Response;
    expect(withIsolation(opaque)).toBe(opaque);
    expect(withIsolation(Response.error())).toBeInstanceOf(Response);
    expect(withIsolation(Response.error()).status).toBe(0);
  });
});
