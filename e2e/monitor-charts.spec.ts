// Metrics charts in Chromium against a real `berth serve`, on 3 days of samples seeded in the database.
import { rmSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { SAMPLES, seedThreeDays, type SeededMonitor } from './monitor-seed';
import { expect, startBerth, test } from './support/berth';

const USE_DOM_RENDERER = { content: "window.localStorage.setItem('berth.logs.renderer', 'dom')" };

let server: Awaited<ReturnType<typeof startBerth>>;
let seeded: SeededMonitor;

test.beforeAll(async () => {
  seeded = seedThreeDays();
  server = await startBerth({ BERTH_DATA_DIR: seeded.dataDir });
});

test.afterAll(async () => {
  await server?.stop();
  rmSync(seeded.dataDir, { recursive: true, force: true });
});

async function openMetrics(page: Page): Promise<void> {
  await page.addInitScript(USE_DOM_RENDERER);
  await page.setViewportSize({ width: 1400, height: 1000 });
  await page.goto(server.browserUrl);
  await expect(page.getByRole('heading', { name: 'Berth' })).toBeVisible();
  await page.evaluate(`window.location.hash = '#/projects/${seeded.projectId}'`);
  await page.getByRole('tab', { name: 'Metrics' }).click();
  await expect(page.getByTestId('metrics-panel')).toBeVisible();
}

test('the charts render 3 days of samples, downsampled to about one point per pixel, with markers', async ({ page }) => {
  await openMetrics(page);
  await page.getByRole('button', { name: '3 d' }).click();
  await expect(page.getByRole('button', { name: '3 d' })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('.metrics-summary')).toContainText(`${SAMPLES.toLocaleString('en-US')} samples`);
  const shown = Number(await page.getByTestId('metrics-panel').getAttribute('data-points'));
  const width = (await page.getByTestId('metrics-panel').boundingBox())!.width;
  expect(shown).toBeGreaterThan(300);
  expect(shown).toBeLessThanOrEqual(Math.ceil(width));
  // Both series are drawn with every shown point.
  for (const chart of ['cpu-chart', 'memory-chart']) {
    const path = page.getByTestId(chart).locator('.recharts-line-curve').last();
    await expect(path).toHaveAttribute('d', /L/);
    const commands = ((await path.getAttribute('d')) ?? '').split('L').length;
    expect(commands).toBe(shown);
  }
  await expect(page.getByTestId('health-chart').locator('.recharts-bar-rectangle').first()).toBeAttached();
  // The deploy a day in, and the unhealthy spell from the failing probes.
  await expect(page.getByTestId('metrics-legend')).toContainText('1 deploys');
  await expect(page.getByTestId('metrics-legend')).toContainText('1 unhealthy spells');
  await expect(page.getByTestId('cpu-chart').locator('.marker-deploy')).toHaveCount(1);
  // The 1 h range shows the last hour's samples, all of them (120 < one per pixel).
  await page.getByRole('button', { name: '1 h' }).click();
  await expect(page.locator('.metrics-summary')).toHaveText(/^1(19|20|21) samples$/);
});
