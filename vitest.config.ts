import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    // GPU tests create a real Dawn device per file; software Vulkan is slow, so allow time.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
