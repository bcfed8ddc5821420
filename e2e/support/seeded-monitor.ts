// The shared set-up of the monitor e2e specs (kept apart from monitor-seed.ts, which the chart bench
// also imports outside the Playwright runner).
import { rmSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { seedThreeDays, type SeededMonitor } from '../monitor-seed';
import { expect, startBerth, test } from './berth';

/**
 * For a spec file: seeds 3 days before `berth serve` starts on that data dir, and removes both after.
 * Read `seeded` inside tests (it is filled in by beforeAll).
 */
export function useSeededMonitor(): { readonly seeded: SeededMonitor; readonly browserUrl: string; openMetrics(page: Page): Promise<void> } {
  let server: Awaited<ReturnType<typeof startBerth>> | undefined;
  let seeded: SeededMonitor | undefined;
  test.beforeAll(async () => {
    seeded = seedThreeDays();
    server = await startBerth({ BERTH_DATA_DIR: seeded.dataDir });
  });
  test.afterAll(async () => {
    await server?.stop();
    if (seeded) rmSync(seeded.dataDir, { recursive: true, force: true });
  });
  return {
    get seeded() {
      return seeded!;
    },
    get browserUrl() {
      return server!.browserUrl;
    },
    /** Opens the project's Metrics tab (the log viewer draws DOM rows, so tests can read them). */
    async openMetrics(page: Page) {
      await page.addInitScript({ content: "window.localStorage.setItem('berth.logs.renderer', 'dom')" });
      await page.setViewportSize({ width: 1400, height: 1000 });
      await page.goto(server!.browserUrl);
      await expect(page.getByRole('heading', { name: 'Berth' })).toBeVisible();
      await page.evaluate(`window.location.hash = '#/projects/${seeded!.projectId}'`);
      await page.getByRole('tab', { name: 'Metrics' }).click();
      await expect(page.getByTestId('metrics-panel')).toBeVisible();
    },
  };
}
