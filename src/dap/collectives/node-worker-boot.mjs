// Entry of a Node worker_thread that runs a TypeScript module (tests, benchmarks):
// new Worker(thisFile, { workerData: { entry: 'file:///…/x.ts', … } }).
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
