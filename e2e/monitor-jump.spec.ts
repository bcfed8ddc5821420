// Clicking a point on a metrics chart moves the log viewer to that moment (Chromium, real `berth serve`).
import { SAMPLES } from './monitor-seed';
import { useSeededMonitor } from './support/seeded-monitor';
import { expect, test } from './support/berth';

const monitor = useSeededMonitor();

test('clicking a point on the CPU chart moves the log viewer to that moment', async ({ page }) => {
  await monitor.openMetrics(page);
  await page.getByRole('button', { name: '3 d' }).click();
  await expect(page.locator('.metrics-summary')).toContainText(`${SAMPLES.toLocaleString('en-US')} samples`);
  const chart = page.getByTestId('cpu-chart');
  const box = (await chart.locator('.chart-plot-area').boundingBox())!;
  // A third of the way along the time axis: hovering shows the cursor and the tooltip for that moment.
  const tooltip = chart.getByRole('tooltip');
  await expect(tooltip).toHaveCount(0);
  await page.mouse.move(box.x + box.width / 3 - 5, box.y + box.height / 2);
  await page.mouse.move(box.x + box.width / 3, box.y + box.height / 2);
  await expect(tooltip).toBeVisible();
  await expect(tooltip).toHaveClass(/chart-tooltip/);
  await expect(tooltip).toContainText(/CPU: \d+\.\d %/);
  await expect(chart.locator('.chart-cursor line')).toHaveCount(1);
  // The tooltip names the sample nearest the pointer (one pixel is ~4 minutes over 3 days).
  const hoveredAt = Number(await tooltip.getAttribute('data-t'));
  const third = monitor.seeded.from + (monitor.seeded.to - monitor.seeded.from) / 3;
  expect(Math.abs(hoveredAt - third)).toBeLessThan(30 * 60_000);
  await page.mouse.click(box.x + box.width / 3, box.y + box.height / 2);

  await expect(page.getByTestId('log-viewer')).toBeVisible();
  const status = page.getByTestId('log-status');
  await expect(status).toContainText(/Showing line \d+ \(at /);
  const lineNo = Number(/Showing line (\d+)/.exec((await status.textContent()) ?? '')![1]);
  const landedAt = monitor.seeded.lineTimes.get(lineNo)!;
  // Lines are 10 minutes apart.
  expect(Math.abs(landedAt - third)).toBeLessThan(60 * 60_000);
  await expect(page.locator('.log-terminal .xterm-rows > div', { hasText: new RegExp(`runtime (tick|warn) at ${new Date(landedAt).toISOString()}`) }).first()).toBeVisible();
});

test('the CPU chart works from the keyboard: arrows move the tooltip, Enter moves the log viewer', async ({ page }) => {
  await monitor.openMetrics(page);
  await page.getByRole('button', { name: '3 d' }).click();
  await expect(page.locator('.metrics-summary')).toContainText(`${SAMPLES.toLocaleString('en-US')} samples`);
  const chart = page.getByTestId('cpu-chart');
  const plot = chart.getByRole('application', { name: /^CPU/ });
  await plot.focus();
  const tooltip = chart.getByRole('tooltip');
  // End: the latest sample; ← then steps back one sample at a time.
  await page.keyboard.press('End');
  await expect(tooltip).toBeVisible();
  const latest = Number(await tooltip.getAttribute('data-t'));
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await expect(tooltip).not.toHaveAttribute('data-t', String(latest));
  const chosen = Number(await tooltip.getAttribute('data-t'));
  expect(chosen).toBeLessThan(latest);
  expect(latest - chosen).toBeLessThan(20 * 60_000);
  await page.keyboard.press('Enter');

  const status = page.getByTestId('log-status');
  await expect(status).toContainText(/Showing line \d+ \(at /);
  const lineNo = Number(/Showing line (\d+)/.exec((await status.textContent()) ?? '')![1]);
  // Lines are 10 minutes apart.
  expect(Math.abs(monitor.seeded.lineTimes.get(lineNo)! - chosen)).toBeLessThan(10 * 60_000);
});

test('a jump to a moment lands on a line the stream toggles show, and leaves them as they are', async ({ page }) => {
  await monitor.openMetrics(page);
  // The first day's ticks are a stderr warning then a stdout line at the same moment: with stderr hidden (and
  // kept hidden while the Metrics tab is open), the moment's first line is hidden, so the jump must land on the
  // stdout line after it, not turn stderr back on.
  await page.getByRole('tab', { name: 'Logs' }).click();
  await page.getByRole('checkbox', { name: 'stderr' }).uncheck();
  await page.getByRole('tab', { name: 'Metrics' }).click();
  await page.getByRole('button', { name: '3 d' }).click();
  await expect(page.locator('.metrics-summary')).toContainText(`${SAMPLES.toLocaleString('en-US')} samples`);
  // A sixth of the way along 3 days: the first day, whose ticks warn first.
  const box = (await page.getByTestId('cpu-chart').locator('.chart-plot-area').boundingBox())!;
  await page.mouse.click(box.x + box.width / 6, box.y + box.height / 2);

  const status = page.getByTestId('log-status');
  await expect(status).toContainText(/Showing line \d+ \(at /);
  const lineNo = Number(/Showing line (\d+)/.exec((await status.textContent()) ?? '')![1]);
  expect(monitor.seeded.lineStreams.get(lineNo)).toBe('stdout');
  // The moment's first line was the hidden warning just before it.
  expect(monitor.seeded.lineStreams.get(lineNo - 1)).toBe('stderr');
  await expect(page.getByRole('checkbox', { name: 'stderr' })).not.toBeChecked();
});
