import { defineConfig } from 'vitest/config';
// With its extension: vite's config loader asks for one on the files the config itself imports.
import { nodeWorkerFromSource } from './test/support/source-workers/vite-plugin.js';
// @ts-expect-error plain JS module without types
import { composeV5ConfigDir } from './scripts/provision.js';

// Four projects: `unit` is pure logic and real SQLite files; `integration` drives the real Docker
// engine, the moto emulator and a local registry (provisioned by scripts/provision.js), with Compose stacks on
// Debian's docker-compose (v1); `compose-v5` runs the stack tests again on Compose v5 as the `docker compose`
// plugin; `api-fuzz` is the schemathesis run against a real `berth serve` (two minutes of its own).
// Two workers (vitest takes one on two cores): `unit` and `api-fuzz` run side by side, then `integration`
// alone, one file at a time (vitest runs a project whose files go one by one after the others).
const API_FUZZ = 'test/integration/api/openapi-fuzz.test.ts';
export default defineConfig({
  // The engine starts its log socket reader with electron-vite's `?nodeWorker` import; tests run it from source.
  plugins: [nodeWorkerFromSource()],
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          maxWorkers: 2,
          testTimeout: 20_000,
          // CLI tests spawn bin/berth.js, which runs the build: make it when sources are newer.
          globalSetup: ['test/support/cli-build.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          exclude: [API_FUZZ],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 180_000,
          globalSetup: ['test/support/cli-build.ts', 'test/support/integration-setup.ts'],
          // Docker-heavy files share one engine and two cores: run files one at a time.
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'compose-v5',
          include: ['test/integration/compose/**/*.test.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 180_000,
          // Its own Docker config dir: `docker compose` is Compose v5 there, and only for this project's processes.
          env: { DOCKER_CONFIG: composeV5ConfigDir() as string },
          globalSetup: ['test/support/cli-build.ts', 'test/support/integration-setup.ts', 'test/support/compose-v5-setup.ts'],
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'api-fuzz',
          include: [API_FUZZ],
          environment: 'node',
          // The same worker count as `unit`, which it runs beside (vitest asks one per group).
          maxWorkers: 2,
          testTimeout: 600_000,
          hookTimeout: 180_000,
          globalSetup: ['test/support/cli-build.ts', 'test/support/integration-setup.ts'],
        },
      },
    ],
  },
});
