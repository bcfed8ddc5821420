// Reading and driving the log viewer from e2e tests. Tests read the terminal's rows from the DOM, so they
// switch the viewer to xterm's DOM renderer (headless Chromium would draw WebGL in software anyway).
import { expect, type Locator, type Page } from '@playwright/test';

/** An init script (a string: the e2e files compile without the DOM library) that picks the DOM renderer. */
export const USE_DOM_RENDERER = { content: "window.localStorage.setItem('berth.logs.renderer', 'dom')" };

/** Opens a project's window in the browser UI, on the DOM renderer, and waits for its log stream. */
export async function openProjectLogs(page: Page, browserUrl: string, projectId: string): Promise<void> {
  await page.addInitScript(USE_DOM_RENDERER);
  await page.setViewportSize({ width: 1400, height: 1000 });
  await page.goto(browserUrl);
  await expect(page.getByRole('heading', { name: 'Berth' })).toBeVisible();
  await page.evaluate(`window.location.hash = '#/projects/${projectId}'`);
  await expect(page.getByTestId('log-viewer')).toHaveAttribute('data-connected', 'true');
}

/** The terminal row (a DOM renderer row) that shows `text`. */
export function terminalRow(page: Page, text: string | RegExp): Locator {
  return page.locator('.log-terminal .xterm-rows > div', { hasText: text });
}

/** Clicks where a row is drawn: xterm's screen layer, above the rows, takes the event, not the row element. */
export async function clickTerminalRow(page: Page, row: Locator): Promise<void> {
  await row.scrollIntoViewIfNeeded();
  const box = (await row.boundingBox())!;
  await page.mouse.click(box.x + 40, box.y + box.height / 2);
}
