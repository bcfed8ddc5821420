// Clicking a point on a metrics chart moves the log viewer to that moment (Chromium, real `berth serve`).
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

test('clicking a point on the CPU chart moves the log viewer to that moment', async ({ page }) => {
  await openMetrics(page);
  await page.getByRole('button', { name: '3 d' }).click();
  await expect(page.locator('.metrics-summary')).toContainText(`${SAMPLES.toLocaleString('en-US')} samples`);
  const plot = page.getByTestId('cpu-chart').locator('.recharts-cartesian-grid');
  const box = (await plot.boundingBox())!;
  // A third of the way along the time axis.
  // Hover until the tooltip shows (the chart may still be settling), then click that point.
  await expect(async () => {
    await page.mouse.move(box.x + box.width / 3 - 5, box.y + box.height / 2);
    await page.mouse.move(box.x + box.width / 3, box.y + box.height / 2);
    await expect(page.getByTestId('cpu-chart').locator('.recharts-tooltip-wrapper')).toBeVisible({ timeout: 1000 });
  }).toPass();
  await page.mouse.click(box.x + box.width / 3, box.y + box.height / 2);

  await expect(page.getByTestId('log-viewer')).toBeVisible();
  const status = page.getByTestId('log-status');
  await expect(status).toContainText(/Showing line \d+ \(at /);
  const lineNo = Number(/Showing line (\d+)/.exec((await status.textContent()) ?? '')![1]);
  const landedAt = seeded.lineTimes.get(lineNo)!;
  const expected = seeded.from + (seeded.to - seeded.from) / 3;
  // One pixel is ~6 minutes over 3 days; lines are 10 minutes apart.
  expect(Math.abs(landedAt - expected)).toBeLessThan(60 * 60_000);
  await expect(page.locator('.log-terminal .xterm-rows > div', { hasText: `runtime tick at ${new Date(landedAt).toISOString()}` })).toBeVisible();
});
