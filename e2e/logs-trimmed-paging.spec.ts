// "Load earlier" down to a range the log budget trimmed (docs/product-rules.md, "Log budget"): more than
// two pages of kept runtime lines above a [TRIMMED] marker line. Pressed again and again, it brings in
// every kept line, then the marker and the deploy lines before it, and only then goes away.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import type { StoredLine } from '../electron/engine/store/log-lines';
import { Store } from '../electron/engine/store/store';
import { projectSettingsSchema, trimMarkerText } from '../shared';
import { expect, startBerth, test } from './support/berth';
import { openProjectLogs, terminalRow } from './support/log-viewer';

// Lines 1–3 deploy output; line 4 the marker standing for 4–1000; 1001–6500 kept runtime lines (2¾ pages of 2,000).
const DEPLOY_LINES = 3;
const TRIMMED_TO = 1000;
const LAST = 6500;
const PAGE_LINES = 2000;
const kept = (lineNo: number) => `kept request ${lineNo} ${'z'.repeat(120)}`;

let server: Awaited<ReturnType<typeof startBerth>>;
let dataDir: string;
let projectId = '';

test.beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'trimmed-paging-e2e-'));
  const store = Store.open(join(dataDir, 'berth.db'));
  try {
    const project = store.projects.create({ name: 'Trimmed Paging', sourceDir: dataDir, target: 'docker', settings: projectSettingsSchema.parse({}) });
    const deployment = store.deployments.create(project.id, 'docker');
    const start = Date.now() - 3_600_000;
    const line = (lineNo: number, fields: Pick<StoredLine, 'stream' | 'source' | 'step' | 'text'>): StoredLine => ({
      deploymentId: deployment.id,
      lineNo,
      ts: start + lineNo,
      runId: null,
      cut: false,
      ...fields,
    });
    const lines: StoredLine[] = [];
    for (let lineNo = 1; lineNo <= DEPLOY_LINES; lineNo += 1) lines.push(line(lineNo, { stream: 'stdout', source: 'deploy', step: 'build', text: `build output ${lineNo}` }));
    // The marker as the budget's eviction writes it: a system line where the trimmed range began.
    const marker = trimMarkerText({ lines: TRIMMED_TO - DEPLOY_LINES, fromLineNo: DEPLOY_LINES + 1, toLineNo: TRIMMED_TO }, 1024 * 1024);
    lines.push(line(DEPLOY_LINES + 1, { stream: 'system', source: 'runtime', step: null, text: marker }));
    for (let lineNo = TRIMMED_TO + 1; lineNo <= LAST; lineNo += 1) lines.push(line(lineNo, { stream: 'stdout', source: 'runtime', step: null, text: kept(lineNo) }));
    store.logLines.insertMany(lines);
    projectId = project.id;
  } finally {
    store.close();
  }
  server = await startBerth({ BERTH_DATA_DIR: dataDir });
});

test.afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});


/** The first line the viewer holds, from its "Lines before N are stored but not loaded" banner; null once there is none. */
async function notLoadedBefore(page: Page): Promise<number | null> {
  const text = await page.evaluate<string | null>("document.querySelector('[data-testid=log-earlier-marker]')?.textContent ?? null");
  if (text === null) return null;
  return Number(/Lines before ([\d,]+)/.exec(text)![1]!.replace(/,/g, ''));
}

test('"Load earlier", pressed again and again, pages over every kept line down to the trim marker and the deploy lines', async ({ page }) => {
  await openProjectLogs(page, server.browserUrl, projectId);
  await expect(terminalRow(page, kept(LAST))).toBeVisible();
  await page.getByLabel('Wrap').uncheck();

  // Each press brings the 2,000 stored lines before the window's first line (stepping over the trimmed
  // range): 4501, 2501, then the last 1,500 kept lines with the marker and the deploy lines, and nothing is left.
  const firsts = [await notLoadedBefore(page)];
  for (let press = 0; press < 6 && firsts.at(-1) !== null; press += 1) {
    const button = page.getByTestId('log-earlier-marker').getByRole('button', { name: 'Load earlier' });
    await expect(button).toBeEnabled();
    await button.click();
    const before = firsts.at(-1);
    await expect.poll(() => notLoadedBefore(page)).not.toBe(before);
    firsts.push(await notLoadedBefore(page));
    // The old first line is scrolled into view just below the new ones.
    await expect(terminalRow(page, kept(before!))).toBeVisible();
  }
  expect(firsts).toEqual([LAST - PAGE_LINES + 1, LAST - 2 * PAGE_LINES + 1, null]);
  // The viewer's search (over what it holds) scrolls to the marker where the trimmed lines were, the deploy lines above it.
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  const search = page.getByRole('searchbox', { name: 'Search in logs' });
  await search.fill('runtime lines trimmed here');
  await expect(page.getByRole('status', { name: 'Match count' })).toHaveText(/of 1$/);
  await search.press('Enter');
  await expect(terminalRow(page, 'build output 3')).toBeVisible();
  await expect(terminalRow(page, `runtime lines trimmed here (lines ${DEPLOY_LINES + 1}–${TRIMMED_TO})`)).toBeVisible();
  await expect(page.getByTestId('log-viewer').getByRole('button', { name: 'Load earlier' })).toHaveCount(0);
});
