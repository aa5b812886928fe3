import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { ISOLATION_HEADERS } from './src/sw/isolation.ts';
import { webfoldServiceWorker } from './src/sw/vite-plugin.ts';

/** Cross-origin isolation on every response (pages, workers, assets): SharedArrayBuffer needs it. */
export const isolationHeaders = ISOLATION_HEADERS;

export default defineConfig({
  plugins: [react(), webfoldServiceWorker()],
  server: { host: '127.0.0.1', port: 5173, headers: isolationHeaders },
  preview: { host: '127.0.0.1', port: 4173, headers: isolationHeaders },
  worker: { format: 'es' },
  build: { target: 'es2022', sourcemap: true },
});
