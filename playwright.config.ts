import { defineConfig } from '@playwright/test';

// E2E: Debian's Chromium drives the real renderer served by a real `berth serve` on a fresh data dir.
// `npm test` builds the renderer (out/renderer) before this runs.
export default defineConfig({
  testDir: 'e2e',
  // Playwright empties its outputDir at start; keep it apart from the run summaries in test-results/.
  outputDir: 'test-results/e2e-artifacts',
  testMatch: '**/*.spec.ts',
  // The Docker engine must answer (an integration test restarts it; this brings it back if that went wrong).
  globalSetup: './test/support/integration-setup.ts',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 20_000 },
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    launchOptions: {
      executablePath: process.env['BERTH_CHROMIUM'] ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
    },
    trace: 'off',
    screenshot: 'only-on-failure',
  },
});
