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
  // Both series are drawn with every shown point: one path each, one L per point after the first.
  for (const [chart, series] of [
    ['cpu-chart', 'cpuPct'],
    ['memory-chart', 'memUsedMb'],
  ] as const) {
    const path = page.getByTestId(chart).locator(`.chart-series-${series}`);
    await expect(path).toHaveCount(1);
    await expect(path).toHaveAttribute('d', /L/);
    const commands = ((await path.getAttribute('d')) ?? '').split('L').length;
    expect(commands).toBe(shown);
  }
  // The memory limit is a step line of its own (horizontal then vertical: two L per further point).
  const limit = page.getByTestId('memory-chart').locator('.chart-series-memLimitMb');
  expect(((await limit.getAttribute('d')) ?? '').split('L').length).toBe(2 * shown - 1);
  await expect(page.getByTestId('cpu-chart').getByRole('application', { name: /^CPU/ })).toBeVisible();
  await expect(page.getByTestId('health-chart').locator('.recharts-bar-rectangle').first()).toBeAttached();
  // The deploy a day in, and the unhealthy spell from the failing probes.
  await expect(page.getByTestId('metrics-legend')).toContainText('1 deploys');
  await expect(page.getByTestId('metrics-legend')).toContainText('1 unhealthy spells');
  await expect(page.getByTestId('cpu-chart').locator('.marker-deploy')).toHaveCount(1);
  await expect(page.getByTestId('memory-chart').locator('.marker-deploy')).toHaveCount(1);
  await expect(page.getByTestId('cpu-chart').locator('.chart-spell')).toHaveCount(1);
  // Over 3 days the marker lines carry no label; over 1 h (below) there is no marker in range.
  await expect(page.getByTestId('cpu-chart').locator('.marker-deploy text')).toHaveCount(0);
  // The 1 h range shows the last hour's samples, all of them (120 < one per pixel).
  await page.getByRole('button', { name: '1 h' }).click();
  await expect(page.locator('.metrics-summary')).toHaveText(/^1(19|20|21) samples$/);
});
