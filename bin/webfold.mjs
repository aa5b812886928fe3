#!/usr/bin/env node
// The `webfold` CLI: runs src/cli/main.ts with TypeScript and `?raw` shader imports enabled.
import { register } from 'node:module';
import { register as registerTsx } from 'tsx/esm/api';

registerTsx();
register('../scripts/raw-loader.mjs', import.meta.url);
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
