// Metrics charts in Chromium against a real `berth serve`, on 3 days of samples seeded in the database.
import { SAMPLES } from './monitor-seed';
import { useSeededMonitor } from './support/seeded-monitor';
import { expect, test } from './support/berth';

const monitor = useSeededMonitor();

test('the charts render 3 days of samples, downsampled to about one point per two pixels, with markers', async ({ page }) => {
  await monitor.openMetrics(page);
  await page.getByRole('button', { name: '3 d' }).click();
  await expect(page.getByRole('button', { name: '3 d' })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('.metrics-summary')).toContainText(`${SAMPLES.toLocaleString('en-US')} samples`);
  const shown = Number(await page.getByTestId('metrics-panel').getAttribute('data-points'));
  const width = (await page.getByTestId('metrics-panel').boundingBox())!.width;
  expect(shown).toBeGreaterThan(300);
  expect(shown).toBeLessThanOrEqual(Math.ceil(width / 2));
  // Both series are drawn with every shown point: one path each (recharts' line curve), one L per point after the first.
  for (const [chart, series] of [
    ['cpu-chart', 'cpuPct'],
    ['memory-chart', 'memUsedMb'],
  ] as const) {
    const path = page.getByTestId(chart).locator(`.chart-series-${series} .recharts-line-curve`);
    await expect(path).toHaveCount(1);
    await expect(path).toHaveAttribute('d', /L/);
    const commands = ((await path.getAttribute('d')) ?? '').split('L').length;
    expect(commands).toBe(shown);
  }
  // The memory limit is a step line of its own (horizontal then vertical: two L per further point).
  const limit = page.getByTestId('memory-chart').locator('.chart-series-memLimitMb .recharts-line-curve');
  expect(((await limit.getAttribute('d')) ?? '').split('L').length).toBe(2 * shown - 1);
  await expect(page.getByTestId('cpu-chart').getByRole('application', { name: /^CPU/ })).toBeVisible();
  // The health-probe chart: the latency line, the failed probes as bars on their own axis, the spell.
  const health = page.getByTestId('health-chart');
  const latency = health.locator('.chart-series-latencyMs .recharts-line-curve');
  await expect(latency).toHaveCount(1);
  await expect(latency).toHaveAttribute('d', /^M[\d.]+,[\d.]+L/);
  // An hour of failed probes a day and a half in, over buckets of about half an hour: two to four
  // buckets with failures, and at least one with no successful probe, where the line has a gap (a
  // second M), not a drop to 0.
  expect(((await latency.getAttribute('d')) ?? '').split('M').length - 1).toBe(2);
  const bars = health.locator('.chart-bar-failures');
  expect(await bars.count()).toBeGreaterThanOrEqual(2);
  expect(await bars.count()).toBeLessThanOrEqual(4);
  expect(Number(await bars.first().getAttribute('height'))).toBeGreaterThan(0);
  await expect(health.locator('.chart-tick-y2').first()).toHaveText('0');
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
  // The cursor overlay and recharts share one time scale: pointing at the deploy's marker line shows
  // the sample at the deploy (a pixel is about 4 minutes over 3 days).
  const markerLine = (await page.getByTestId('cpu-chart').locator('.marker-deploy line').boundingBox())!;
  await page.mouse.move(markerLine.x + markerLine.width / 2, markerLine.y + markerLine.height / 2);
  const deployedAt = monitor.seeded.from + 86_400_000;
  expect(Math.abs(Number(await page.getByTestId('cpu-chart').getByRole('tooltip').getAttribute('data-t')) - deployedAt)).toBeLessThan(10 * 60_000);
  await page.mouse.move(0, 0);
  // The crash two hours before the end.
  await expect(page.getByTestId('metrics-legend')).toContainText('1 crashes');
  await expect(page.getByTestId('cpu-chart').locator('.marker-crash')).toHaveCount(1);
  await expect(page.getByTestId('memory-chart').locator('.marker-crash')).toHaveCount(1);
  // Over 3 days the marker lines carry no label; over 6 h the crash's line does (the deploy is out of range).
  await expect(page.getByTestId('cpu-chart').locator('.chart-marker-label')).toHaveCount(0);
  await page.getByRole('button', { name: '6 h' }).click();
  await expect(page.getByTestId('cpu-chart').locator('.marker-deploy')).toHaveCount(0);
  await expect(page.getByTestId('cpu-chart').locator('.chart-marker-label')).toHaveText('crash exit=137 oom=true');
  // Over 1 h (below) there is no marker in range.
  // The 1 h range shows the last hour's samples, all of them (120 < one per pixel).
  await page.getByRole('button', { name: '1 h' }).click();
  await expect(page.locator('.metrics-summary')).toHaveText(/^1(19|20|21) samples$/);
});

test('a project window warms recharts up while idle, off screen, and leaves nothing behind', async ({ page }) => {
  await page.setViewportSize({ width: 1400, height: 1000 });
  await page.goto(monitor.browserUrl);
  await page.evaluate(`window.location.hash = '#/projects/${monitor.seeded.projectId}'`);
  await expect(page.getByRole('tab', { name: 'Logs' })).toHaveAttribute('aria-selected', 'true');
  await page.waitForFunction(() => performance.getEntriesByName('berth:charts-warm').length === 1);
  // The off-screen chart is gone again, and nothing of it is left for a screen reader or the pointer.
  await expect(page.locator('.chart')).toHaveCount(0);
  await expect(page.getByRole('application')).toHaveCount(0);
  await expect(page.locator('body > div')).toHaveCount(1);
});
