// Light and dark themes follow the OS (prefers-color-scheme), the log terminal's palette included,
// and switch while the app is open. Chromium against a real `berth serve` on seeded data.
import type { Locator } from '@playwright/test';
import { useSeededMonitor } from './support/seeded-monitor';
import { expect, test } from './support/berth';

const monitor = useSeededMonitor();

const css = (locator: Locator, property: string) => locator.evaluate((element, name) => getComputedStyle(element).getPropertyValue(name), property);

test('the light theme renders when the OS prefers light, the terminal and the charts included, and follows a switch to dark', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await monitor.openMetrics(page);
  await expect.poll(() => css(page.locator('body'), 'background-color')).toBe('rgb(255, 255, 255)');
  await expect.poll(() => css(page.getByRole('heading', { name: 'monitor charts' }), 'color')).toBe('rgb(31, 35, 40)');
  // The CPU line in the light theme's blue.
  await expect.poll(() => css(page.getByTestId('cpu-chart').locator('.chart-series-cpuPct .recharts-line-curve'), 'stroke')).toBe('rgb(9, 105, 218)');

  await page.getByRole('tab', { name: 'Logs' }).click();
  const terminal = page.locator('.log-terminal');
  const crash = terminal.locator('.xterm-rows span', { hasText: '[CRASH]' }).first();
  const tick = terminal.locator('.xterm-rows span', { hasText: 'runtime tick' }).first();
  await expect(crash).toBeVisible();
  // The terminal's light palette: white behind, stdout near-black, system lines in a dark blue.
  await expect.poll(() => css(terminal, 'background-color')).toBe('rgb(255, 255, 255)');
  await expect.poll(() => css(tick, 'color')).toBe('rgb(31, 35, 40)');
  await expect.poll(() => css(crash, 'color')).toBe('rgb(5, 80, 174)');
  // The crash is an error line: its background is the palette's, not xterm's dark red 256-colour 52.
  await expect.poll(() => css(crash, 'background-color')).toBe('rgb(255, 228, 228)');

  // The OS switches to dark while the window is open: the page and the open terminal follow.
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect.poll(() => css(page.locator('body'), 'background-color')).toBe('rgb(13, 17, 23)');
  await expect.poll(() => css(terminal, 'background-color')).toBe('rgb(15, 17, 21)');
  await expect.poll(() => css(terminal.locator('.xterm-rows span', { hasText: 'runtime tick' }).first(), 'color')).toBe('rgb(214, 218, 227)');
  await expect.poll(() => css(terminal.locator('.xterm-rows span', { hasText: '[CRASH]' }).first(), 'color')).toBe('rgb(92, 157, 255)');
  await expect.poll(() => css(terminal.locator('.xterm-rows span', { hasText: '[CRASH]' }).first(), 'background-color')).toBe('rgb(77, 11, 11)');
});
