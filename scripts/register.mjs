// `node --import ./scripts/register.mjs file.ts`: TypeScript (tsx) plus `?raw` imports, for Node hosts.
import { register } from 'node:module';
import { register as registerTsx } from 'tsx/esm/api';

registerTsx();
register('./raw-loader.mjs', import.meta.url);
