// Metrics charts in Chromium against a real `berth serve`, on 3 days of samples seeded in the database.
import { SAMPLES } from './monitor-seed';
import { useSeededMonitor } from './support/seeded-monitor';
import { expect, test } from './support/berth';

const monitor = useSeededMonitor();

test('the charts render 3 days of samples, downsampled to about one point per pixel, with markers', async ({ page }) => {
  await monitor.openMetrics(page);
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
