// Links to a log line (docs/product-rules.md, "Links to a log line") in Chromium against `berth serve`:
// a line picked in the viewer, "Copy link to line", and the copied link opened (and reloaded) lands on
// that line, marked and in view. A link past the end of the log says so over the last lines.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { LogWriter } from '../electron/engine/logs/log-writer';
import { Store } from '../electron/engine/store/store';
import { projectSettingsSchema } from '../shared';
import { expect, startBerth, test } from './support/berth';
import { clickTerminalRow, openProjectLogs as openLogs, terminalRow as rowShowing } from './support/log-viewer';

const LINES = 5000;
const text = (lineNo: number) => `link line ${lineNo} payload`;

let server: Awaited<ReturnType<typeof startBerth>>;
let dataDir: string;
let projectId = '';
let deploymentId = '';

test.beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'log-link-e2e-'));
  const store = Store.open(join(dataDir, 'berth.db'));
  try {
    const project = store.projects.create({ name: 'Link Demo', sourceDir: dataDir, target: 'docker', settings: projectSettingsSchema.parse({}) });
    const deployment = store.deployments.create(project.id, 'docker');
    // Through the engine's writer, so the history search (its index) finds the lines.
    const writer = new LogWriter(store, { maxBatchLines: 1000 });
    const start = Date.now() - LINES * 10;
    for (let lineNo = 1; lineNo <= LINES; lineNo += 1) writer.append(deployment.id, { stream: 'stdout', source: 'runtime', text: text(lineNo), runId: null, step: null, ts: start + lineNo * 10 });
    writer.close();
    projectId = project.id;
    deploymentId = deployment.id;
  } finally {
    store.close();
  }
  server = await startBerth({ BERTH_DATA_DIR: dataDir });
});

test.afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

function openProjectLogs(page: Page): Promise<void> {
  return openLogs(page, server.browserUrl, projectId);
}

/** The terminal row (a DOM renderer row) that shows `lineNo`. */
function terminalRow(page: Page, lineNo: number) {
  return rowShowing(page, new RegExp(`^${text(lineNo)}\\s*$`));
}

/** The line is in view and the focus highlight sits on its row. */
async function expectMarked(page: Page, lineNo: number): Promise<void> {
  const row = terminalRow(page, lineNo);
  await expect(row).toBeVisible();
  const mark = page.locator('.log-terminal .log-focus-line');
  await expect(mark).toHaveCount(1);
  await expect(mark).toBeVisible();
  await expect
    .poll(async () => {
      const [rowBox, markBox] = [await row.boundingBox(), await mark.boundingBox()];
      return rowBox && markBox ? Math.abs(rowBox.y + rowBox.height / 2 - (markBox.y + markBox.height / 2)) : Infinity;
    })
    .toBeLessThan(4);
}

test('"Copy link to line" on a line far from the end, and the link opened and reloaded, land on that line, marked', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await openProjectLogs(page);
  await expect(terminalRow(page, LINES)).toBeVisible();

  // Far from the end (not in the loaded tail): the history search brings line 1234 in…
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.getByRole('searchbox', { name: 'Search in logs' }).fill(text(1234));
  await page.getByRole('button', { name: 'Search all history' }).click();
  await page.getByLabel('History search results').getByRole('button', { name: new RegExp(text(1234)) }).click();
  await expect(page.getByTestId('log-status')).toContainText('Showing line 1234');
  await page.getByRole('button', { name: 'Close search' }).click();
  // …and a click on a line a few rows below picks that one.
  await clickTerminalRow(page, terminalRow(page, 1240));
  await expect(page.getByTestId('log-status')).toHaveText('Showing line 1240 (selected)');
  await expectMarked(page, 1240);

  await page.getByRole('button', { name: 'Copy link to line' }).click();
  await expect(page.getByTestId('log-status')).toHaveText('Link copied: line 1240.');
  const link = await page.evaluate<string>('navigator.clipboard.readText()');
  const origin = new URL(server.browserUrl).origin;
  expect(link).toBe(`${origin}/#/projects/${projectId}?deployment=${deploymentId}&line=1240`);
  // The confirmation is short-lived.
  await expect(page.getByTestId('log-status')).toHaveText('Showing line 1240 (selected)', { timeout: 10_000 });

  await page.goto(link);
  await page.reload();
  await expect(page.getByTestId('log-viewer')).toHaveAttribute('data-connected', 'true');
  await expect(page.getByTestId('log-status')).toHaveText('Showing line 1240 (linked)');
  await expectMarked(page, 1240);
  await expect(terminalRow(page, 1241)).toBeVisible();

  // The mark survives scrolling away and back.
  const terminal = page.locator('.log-terminal');
  await terminal.hover();
  for (let step = 0; step < 20 && (await terminalRow(page, 1240).count()) > 0; step += 1) await page.mouse.wheel(0, 400);
  await expect(terminalRow(page, 1240)).toHaveCount(0);
  for (let step = 0; step < 20 && (await terminalRow(page, 1240).count()) === 0; step += 1) await page.mouse.wheel(0, -200);
  await expectMarked(page, 1240);

  // From the keyboard: the toolbar button copies the marked line's link again.
  await page.evaluate("navigator.clipboard.writeText('')");
  await page.getByRole('button', { name: 'Copy link to line' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('log-status')).toHaveText('Link copied: line 1240.');
  expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(link);
});

test('a link to a line past the end of the log says so over the last lines, not a blank viewer', async ({ page }) => {
  await openProjectLogs(page);
  await page.goto(`${new URL(server.browserUrl).origin}/#/projects/${projectId}?deployment=${deploymentId}&line=${LINES + 700}`);
  await page.reload();
  await expect(page.getByTestId('log-status')).toHaveText(`This log has no line ${LINES + 700}: it ends at line ${LINES}. Showing its last lines.`);
  await expect(terminalRow(page, LINES)).toBeVisible();
  await expect(page.locator('.log-terminal .log-focus-line')).toHaveCount(0);
});

test('a garbled link opens the project as usual and says what it ignored', async ({ page }) => {
  await openProjectLogs(page);
  await page.goto(`${new URL(server.browserUrl).origin}/#/projects/${projectId}?deployment=${deploymentId}&line=12abc`);
  await page.reload();
  await expect(page.getByTestId('link-notice')).toHaveText('The link’s line was not opened: line “12abc” is not a positive whole number. The project is shown as usual.');
  await expect(terminalRow(page, LINES)).toBeVisible();
  // A deployment of no project (or one deleted) is refused the same way.
  await page.goto(`${new URL(server.browserUrl).origin}/#/projects/${projectId}?deployment=dep_000000000000&line=5`);
  await expect(page.getByTestId('link-notice')).toContainText('deployment dep_000000000000 is not stored any more');
  await expect(terminalRow(page, LINES)).toBeVisible();
});
