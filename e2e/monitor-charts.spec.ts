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
  // The health-probe chart: the latency line, the failed probes as bars on their own axis, the spell.
  const health = page.getByTestId('health-chart');
  await expect(health.locator('.chart-series-latencyMs')).toHaveCount(1);
  await expect(health.locator('.chart-series-latencyMs')).toHaveAttribute('d', /^M[\d.]+,[\d.]+L/);
  // 10 failed probes in a row, a day and a half in: one or two buckets.
  const bars = health.locator('.chart-bar-failures');
  expect(await bars.count()).toBeGreaterThanOrEqual(1);
  expect(await bars.count()).toBeLessThanOrEqual(2);
  expect(Number(await bars.first().getAttribute('height'))).toBeGreaterThan(0);
  await expect(health.locator('.chart-axis-y2 text').first()).toHaveText('0');
  await expect(health.locator('.chart-spell')).toHaveCount(1);
  // It works from the keyboard like the CPU chart: End shows the latest bucket's tooltip.
  await health.getByRole('application', { name: /^Health probes/ }).focus();
  await page.keyboard.press('End');
  await expect(health.getByRole('tooltip')).toContainText(/Latency: \d+\.\d ms/);
  await expect(health.getByRole('tooltip')).toContainText('Failed probes: 0');
  await page.keyboard.press('Escape');
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
