// Node module hook: `import src from './x.wgsl?raw'` yields the file's text, as Vite does.
// Registered by scripts/register.mjs so the CLI and benchmarks share the browser's shader imports.
import { readFile } from 'node:fs/promises';

export async function load(url, context, nextLoad) {
  if (url.startsWith('file:') && url.endsWith('?raw')) {
    const text = await readFile(new URL(url.slice(0, -'?raw'.length)), 'utf8');
    return { format: 'module', source: `export default ${JSON.stringify(text)};`, shortCircuit: true };
  }
  return nextLoad(url, context);
}
