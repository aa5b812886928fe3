import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type BuiltFile, buildManifest, manifestBytes, shouldPrecache } from './manifest.ts';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const file = (name: string, text: string): BuiltFile => ({ name, content: new TextEncoder().encode(text) });

const BUILD = [
  file('index.html', '<html>'),
  file('assets/index-AbC123.js', 'app'),
  file('assets/index-AbC123.js.map', '{}'),
  file('assets/fold.worker-Zz9.js', 'worker'),
  file('assets/webgpu-engine-Q1.js', 'engine'),
  file('assets/index-B0.css', 'css'),
  file('demo/params_demo_untrained.npz', 'PK'),
  file('icons/icon-192.png', 'png'),
  file('manifest.webmanifest', '{}'),
  file('sw.js', 'old service worker'),
  file('.DS_Store', 'x'),
  file('src/app/results/results-demo.html', '<html>'),
];

describe('precache manifest', () => {
  it('keeps chunks, workers, CSS, the shell, public files; drops maps, sw.js, dot files, other pages', () => {
    const m = buildManifest(BUILD, sha);
    expect(m.entries.map((e) => e.url)).toEqual([
      'assets/fold.worker-Zz9.js',
      'assets/index-AbC123.js',
      'assets/index-B0.css',
      'assets/webgpu-engine-Q1.js',
      'demo/params_demo_untrained.npz',
      'icons/icon-192.png',
      'index.html',
      'manifest.webmanifest',
    ]);
    expect(m.navigationFallback).toBe('index.html');
    const app = m.entries.find((e) => e.url === 'assets/index-AbC123.js')!;
    expect(app.revision).toBe(sha(new TextEncoder().encode('app')));
    expect(app.bytes).toBe(3);
    expect(manifestBytes(m)).toBe(m.entries.reduce((s, e) => s + e.bytes, 0));
  });

  it('gives the same version for the same build in any order, another when one byte changes', () => {
    const a = buildManifest(BUILD, sha);
    const b = buildManifest([...BUILD].reverse(), sha);
    expect(b).toEqual(a);
    const changed = BUILD.map((f) => (f.name === 'index.html' ? file('index.html', '<html>.') : f));
    expect(buildManifest(changed, sha).version).not.toBe(a.version);
  });

  it('refuses a build without index.html', () => {
    expect(() => buildManifest([file('assets/a.js', 'x')], sha)).toThrow(/no index\.html/);
  });

  it('drops leading slashes and duplicates', () => {
    const m = buildManifest([file('/index.html', 'a'), file('index.html', 'a')], sha);
    expect(m.entries.map((e) => e.url)).toEqual(['index.html']);
  });

  it.each([
    ['assets/x.js', true],
    ['assets/x.js.map', false],
    ['sw.js', false],
    ['assets/sw.js', true],
    ['icons/.hidden', false],
    ['index.html', true],
    ['other.html', false],
  ])('shouldPrecache(%s) = %s', (name, expected) => {
    expect(shouldPrecache(name)).toBe(expected);
  });
});
