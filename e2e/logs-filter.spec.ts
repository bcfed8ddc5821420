// Filter mode in the log viewer (docs/product-rules.md, "Filter mode") in Chromium against `berth serve`:
// over a deployment with 1,000,000 stored lines it shows only the kept lines with their context, the
// count, and "Load earlier" reaches matches in pages never loaded; exclude hides them; a kept line can
// be linked. Live: a real container's matching lines appear while the others stay hidden.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import type { Page } from '@playwright/test';
import { berthLabels } from '../electron/engine/docker/labels';
import { LogWriter } from '../electron/engine/logs/log-writer';
import { Store } from '../electron/engine/store/store';
import { projectSettingsSchema } from '../shared';
import { expect, startBerth, test } from './support/berth';
import { clickTerminalRow, openProjectLogs as openLogs, terminalRow } from './support/log-viewer';

const LINES = 1_000_000;
const EVERY = 10_000;
const LIVE_PAIRS = 600;
const text = (lineNo: number) => (lineNo % EVERY === 0 ? `status=500 ERROR upstream timeout id=${lineNo}` : `req id=${lineNo} status=200 path=/x`);
const docker = new Docker();
const containerName = `logs-filter-live-${process.pid}`;

let server: Awaited<ReturnType<typeof startBerth>>;
let dataDir: string;
let historyProjectId = '';
let liveProjectId = '';
let container: Docker.Container | undefined;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  dataDir = mkdtempSync(join(tmpdir(), 'logs-filter-e2e-'));
  const store = Store.open(join(dataDir, 'berth.db'));
  try {
    const project = store.projects.create({ name: 'Filter History', sourceDir: dataDir, target: 'docker', settings: projectSettingsSchema.parse({}) });
    const deployment = store.deployments.create(project.id, 'docker');
    historyProjectId = project.id;
    // Through the engine's writer (with its search index), in big transactions.
    const started = Date.now();
    const writer = new LogWriter(store, { maxBatchLines: 50_000, maxDelayMs: 60_000 });
    const start = Date.now() - LINES;
    for (let lineNo = 1; lineNo <= LINES; lineNo += 1) writer.append(deployment.id, { stream: 'stdout', source: 'runtime', text: text(lineNo), runId: null, step: null, ts: start + lineNo });
    writer.close();
    const seconds = (Date.now() - started) / 1000;
    console.log(`seeded ${LINES.toLocaleString('en-US')} lines in ${seconds.toFixed(1)} s`);
    expect(seconds).toBeLessThan(60);

    const live = store.projects.create({ name: 'Filter Live', sourceDir: '/tmp', target: 'docker', settings: projectSettingsSchema.parse({}) });
    liveProjectId = live.id;
    const liveDeploymentId = store.deployments.create(live.id, 'docker').id;
    // Alternating kept and dropped lines, slowly enough that the filter is on while they arrive.
    container = await docker.createContainer({
      name: containerName,
      Image: 'berth-test/busybox:1',
      Cmd: ['sh', '-c', `sleep 2; i=1; while [ $i -le ${LIVE_PAIRS} ]; do echo "live-keep $i"; echo "live-drop $i"; i=$((i+1)); usleep 40000; done; sleep 3600`],
      Labels: berthLabels(liveDeploymentId, live.id),
      HostConfig: { AutoRemove: false },
    });
    await container.start();
    store.deployments.update(liveDeploymentId, { status: 'running', health: 'unknown', containerId: container.id, startedAt: Date.now() });
  } finally {
    store.close();
  }
  server = await startBerth({ BERTH_DATA_DIR: dataDir });
});

test.afterAll(async () => {
  await server?.stop();
  await container?.remove({ force: true }).catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
});

function openProjectLogs(page: Page, projectId: string): Promise<void> {
  return openLogs(page, server.browserUrl, projectId);
}

async function filterFor(page: Page, filter: string, context: string): Promise<void> {
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  const mode = page.getByRole('group', { name: 'Search mode' });
  await mode.getByRole('button', { name: 'Filter', exact: true }).click();
  await expect(mode.getByRole('button', { name: 'Filter', exact: true })).toHaveAttribute('aria-pressed', 'true');
  await expect(mode.getByRole('button', { name: 'Highlight', exact: true })).toHaveAttribute('aria-pressed', 'false');
  await page.getByLabel('Context').selectOption({ label: context });
  await page.getByRole('searchbox', { name: 'Search in logs' }).fill(filter);
}

/** All the terminal shows, through the Copy button (no selection: Copy takes every row). */
async function terminalText(page: Page): Promise<string> {
  await page.evaluate("navigator.clipboard.writeText('')");
  await page.getByRole('button', { name: 'Copy', exact: true }).click();
  // The status may still say "Copied" from a copy before: wait for the clipboard itself.
  await expect.poll(() => page.evaluate<string>('navigator.clipboard.readText()')).not.toBe('');
  return page.evaluate<string>('navigator.clipboard.readText()');
}

/** Presses "Load earlier" until everything before is filtered (the button goes). */
async function loadAllEarlier(page: Page): Promise<void> {
  const loadEarlier = page.getByRole('button', { name: 'Load earlier' });
  const enabledLoadEarlier = page.locator('button:not([disabled])', { hasText: 'Load earlier' });
  for (let clicks = 0; clicks < 40 && (await loadEarlier.count()) > 0; clicks += 1) {
    // Wait until the button is ready again (or gone: everything is loaded). A click while busy does nothing.
    await expect.poll(async () => (await loadEarlier.count()) === 0 || (await enabledLoadEarlier.count()) > 0).toBe(true);
    if ((await enabledLoadEarlier.count()) > 0) await enabledLoadEarlier.click({ timeout: 2000 }).catch(() => undefined);
  }
  await expect(loadEarlier).toHaveCount(0);
}

/** The ids of the `req` (context) lines and of the kept lines shown. */
function shown(textShown: string): { context: number[]; kept: number[] } {
  return {
    context: [...textShown.matchAll(/req id=(\d+) status=200/g)].map((match) => Number(match[1])),
    kept: [...textShown.matchAll(/ERROR upstream timeout id=(\d+)/g)].map((match) => Number(match[1])),
  };
}

test('filter mode over 1,000,000 stored lines: kept lines with context, the count, Load earlier to the first match, exclude, a link to a kept line', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await openProjectLogs(page, historyProjectId);
  await filterFor(page, 'ERROR upstream', '1 line');

  const count = page.getByRole('status', { name: 'Match count' });
  await expect(count).toHaveText('100 matching lines');
  const row = (lineNo: number) => terminalRow(page, new RegExp(`^${text(lineNo)}\\s*$`));
  await expect(row(LINES)).toBeVisible();

  // Only kept lines and one line of context each, newest first page; gap rows between the groups.
  let textShown = await terminalText(page);
  let { context: contextIds, kept } = shown(textShown);
  expect(kept.length).toBeGreaterThan(0);
  expect(kept.at(-1)).toBe(LINES);
  expect(kept.every((id) => id % EVERY === 0)).toBe(true);
  expect(contextIds.every((id) => kept.includes(id - 1) || kept.includes(id + 1))).toBe(true);
  expect(contextIds.length).toBe(kept.length * 2 - 1);
  expect(textShown).toContain(`┄┄ ${(EVERY - 3).toLocaleString('en-US')} lines hidden ┄┄`);
  // The first page did not reach the start (the engine's work bound): the first match is not loaded yet.
  expect(kept).not.toContain(EVERY);

  // "Load earlier" reads the pages never loaded, back to the first match and the lines before it.
  await loadAllEarlier(page);
  textShown = await terminalText(page);
  ({ context: contextIds, kept } = shown(textShown));
  expect(kept).toEqual(Array.from({ length: LINES / EVERY }, (_, index) => (index + 1) * EVERY));
  expect(contextIds.length).toBe(kept.length * 2 - 1);
  // Lines 1–9,998 are hidden before the first group (the step header sits between them).
  expect(textShown.indexOf(`┄┄ ${(EVERY - 2).toLocaleString('en-US')} lines hidden ┄┄`)).toBeLessThan(textShown.indexOf(text(EVERY - 1)));
  expect(textShown).toContain(`${text(EVERY - 1)}\n${text(EVERY)}\n${text(EVERY + 1)}\n┄┄ ${(EVERY - 3).toLocaleString('en-US')} lines hidden ┄┄\n`);

  // Download in filter mode: every kept line of the history with its context, groups apart by "--" (as grep -C).
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download' }).click();
  const file = readFileSync((await (await downloading).path())!, 'utf8');
  const groups = kept.map((id) => [id - 1, id, id + 1].filter((lineNo) => lineNo <= LINES).map((lineNo) => `[stdout] ${text(lineNo)}`).join('\n'));
  expect(file).toBe(`${groups.join('\n--\n')}\n`);

  // A kept line can be marked and linked; the link is to its lineNo (it opens the normal viewer there).
  const keptRow = terminalRow(page, /^status=500 ERROR upstream timeout id=\d+\s*$/).first();
  const keptLineNo = Number((await keptRow.textContent())!.match(/id=(\d+)/)![1]);
  await clickTerminalRow(page, keptRow);
  await expect(page.getByTestId('log-status')).toHaveText(`Showing line ${keptLineNo} (selected)`);
  await page.getByRole('button', { name: 'Copy link to line' }).click();
  await expect(page.getByTestId('log-status')).toHaveText(`Link copied: line ${keptLineNo}.`);
  expect(await page.evaluate<string>('navigator.clipboard.readText()')).toMatch(new RegExp(`&line=${keptLineNo}$`));

  // Exclude: the matching lines are hidden, the others shown.
  // (With no context: with context, the neighbours of the lines kept would show the matching lines again.)
  await page.getByLabel('Context').selectOption({ label: 'none' });
  await page.getByRole('button', { name: 'Exclude', exact: true }).click();
  await expect(count).toContainText('other lines');
  await expect(row(LINES - 2)).toBeVisible();
  await expect(row(LINES)).toHaveCount(0);
  textShown = await terminalText(page);
  expect(textShown).not.toContain('ERROR upstream');
  expect(textShown).toContain(text(LINES - 1));

  // Over a million lines an exclude count stops at its work bound: "≥", and "Count more" goes on.
  await expect(count).toHaveText(/^≥ [\d,]+ other lines \(counted to line [\d,]+\)$/);
  const counted = async () => Number((await count.textContent())!.match(/([\d,]+) other lines/)?.[1]?.replace(/,/g, '') ?? '0');
  const partial = await counted();
  await page.getByRole('button', { name: 'Count more' }).click();
  // A second call covers the rest of the million lines: the whole count, every line but the 100 matches.
  await expect(count).toHaveText(`${(LINES - LINES / EVERY).toLocaleString('en-US')} other lines`);
  expect(await counted()).toBeGreaterThan(partial);

  // The stream filter combines with the filter (the stored history is all stdout).
  await page.getByRole('checkbox', { name: 'stdout' }).uncheck();
  await expect(count).toHaveText(/^≥ 0 other lines/);
  await expect(row(LINES - 2)).toHaveCount(0);
  // The engine is asked for those streams only: no stdout page read and hidden here, so no gap rows.
  // (The first pages were read once the viewer says so; scanning back to the start found nothing.)
  await expect(page.getByTestId('log-viewer')).toHaveAttribute('data-filter', 'ready');
  await expect(page.getByRole('button', { name: 'Load earlier' })).toHaveCount(0);
  await expect(terminalRow(page, 'lines hidden')).toHaveCount(0);
  await page.getByRole('checkbox', { name: 'stdout' }).check();
  await expect(row(LINES - 2)).toBeVisible();

  // The engine's refusal of a filter shows in the bar (RE2 has no look-arounds).
  await page.getByRole('button', { name: 'Regex' }).click();
  await page.getByRole('searchbox', { name: 'Search in logs' }).fill('(?=x)');
  await expect(count).toHaveAttribute('data-invalid', 'true');
  await expect(count).toContainText(/look/i);

  // Highlight mode: the normal viewer again, every line.
  await page.getByRole('button', { name: 'Highlight', exact: true }).click();
  await expect(row(LINES)).toBeVisible();
  textShown = await terminalText(page);
  expect(textShown).toContain(`${text(LINES - 2)}\n${text(LINES - 1)}\n${text(LINES)}`);
});

test('filter mode on live lines: kept live lines appear, the others stay hidden', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await openProjectLogs(page, liveProjectId);
  const viewer = page.getByTestId('log-viewer');
  await expect.poll(async () => Number(await viewer.getAttribute('data-written-through')), { timeout: 60_000 }).toBeGreaterThan(0);
  await filterFor(page, 'live-keep', 'none');
  const row = (value: string) => terminalRow(page, new RegExp(`^${value}\\s*$`));
  // Lines printed after the filter was on show up (the container prints for ~25 s).
  await expect(page.getByRole('status', { name: 'Match count' })).toHaveText(/matching line/);
  const atFilterOn = [...(await terminalText(page)).matchAll(/live-keep (\d+)/g)].map((match) => Number(match[1]));
  expect(atFilterOn.at(-1) ?? 0).toBeLessThan(LIVE_PAIRS);
  await expect(row(`live-keep ${LIVE_PAIRS}`)).toBeVisible({ timeout: 90_000 });
  // Kept lines stored before the filter was on may be more than its first page: load them too.
  await loadAllEarlier(page);
  const textShown = await terminalText(page);
  expect(textShown).not.toContain('live-drop');
  const numbers = [...textShown.matchAll(/live-keep (\d+)/g)].map((match) => Number(match[1]));
  expect(numbers).toEqual(Array.from({ length: LIVE_PAIRS }, (_, index) => index + 1));
  await expect(page.getByRole('status', { name: 'Match count' })).toHaveText(`${LIVE_PAIRS} matching lines`);
});
