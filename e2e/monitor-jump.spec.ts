// Clicking a point on a metrics chart moves the log viewer to that moment (Chromium, real `berth serve`).
import { SAMPLES } from './monitor-seed';
import { useSeededMonitor } from './support/seeded-monitor';
import { expect, test } from './support/berth';

const monitor = useSeededMonitor();

test('clicking a point on the CPU chart moves the log viewer to that moment', async ({ page }) => {
  await monitor.openMetrics(page);
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
  const landedAt = monitor.seeded.lineTimes.get(lineNo)!;
  const expected = monitor.seeded.from + (monitor.seeded.to - monitor.seeded.from) / 3;
  // One pixel is ~6 minutes over 3 days; lines are 10 minutes apart.
  expect(Math.abs(landedAt - expected)).toBeLessThan(60 * 60_000);
  await expect(page.locator('.log-terminal .xterm-rows > div', { hasText: `runtime tick at ${new Date(landedAt).toISOString()}` })).toBeVisible();
});
