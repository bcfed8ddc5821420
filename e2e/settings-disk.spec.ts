// The Disk panel (docs/product-rules.md, "Disk usage"): reached from the app header with the keyboard, it
// shows the database's size and a row per project with its stored log lines, as the engine measures them, and
// a static site's release files kept in the data dir.
// Then the log budget (docs/product-rules.md, "Log budget"): lowered to 1 MB in the panel, the engine's own
// check trims the oldest runtime lines and the log viewer shows the gap marker where they were.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Store } from '../electron/engine/store/store';
import { siteArtifactsRoot } from '../electron/engine/targets/s3/site-artifact';
import type { StoredLine } from '../electron/engine/store/log-lines';
import { projectSettingsSchema, type DiskUsage, type LogPage } from '../shared';
import { expect, openApp, startBerth, test, type BerthServer } from './support/berth';
import { USE_DOM_RENDERER } from './support/log-viewer';

const LINES = 1234;
// The budget trims in batches of 2,000 lines (about 0.6 MB of pages here) until the store is under 90% of it:
// 13,000 lines under a 1 MB budget stop at 1,000 kept whatever else the store holds (0.3 MB of slack either
// way; 12,000 stopped at 2,000 or at none, depending on a few pages elsewhere).
const TRIM_LINES = 13_000;
const KB = 1024;
// Two kept releases of a static site: 256 KB + 512 KB, and 768 KB: 1.5 MB in all.
const SITE_FILES: Record<string, number> = {
  'run_site_1/files/index.html': 256 * KB,
  'run_site_1/files/assets/app.3f9a1c2b.js': 512 * KB,
  'run_site_2/files/index.html': 768 * KB,
};
let dataDir = '';
let trimDeploymentId = '';
let trimProjectId = '';
let server: (BerthServer & { stop(): Promise<void> }) | null = null;

test.beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'disk-e2e-'));
  const store = Store.open(join(dataDir, 'berth.db'));
  const settings = projectSettingsSchema.parse({ port: 8080, healthPath: '/health' });
  const project = store.projects.create({ name: 'Disk Demo', sourceDir: dataDir, target: 'docker', settings });
  const deployment = store.deployments.create(project.id, 'docker');
  // An S3 project whose deployment keeps its releases' files where the S3 target writes them.
  const site = store.projects.create({ name: 'Site Demo', sourceDir: dataDir, target: 's3', settings: projectSettingsSchema.parse({ s3: { bucket: 'disk-demo-site' } }) });
  const siteDeployment = store.deployments.create(site.id, 's3');
  for (const [path, size] of Object.entries(SITE_FILES)) {
    const file = join(siteArtifactsRoot(dataDir), siteDeployment.id, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, Buffer.alloc(size, 'x'));
  }
  const lines: StoredLine[] = Array.from({ length: LINES }, (_, i) => ({
    deploymentId: deployment.id,
    lineNo: i + 1,
    ts: Date.now() - 60_000 + i,
    stream: 'stdout',
    source: 'runtime',
    runId: null,
    step: null,
    text: `request ${i + 1} served`,
    cut: false,
  }));
  store.logLines.insertMany(lines);
  // About 4 MB of older runtime output after a run's deploy lines: more than a 1 MB budget holds.
  const trimProject = store.projects.create({ name: 'Trim Demo', sourceDir: dataDir, target: 'docker', settings });
  const trimDeployment = store.deployments.create(trimProject.id, 'docker');
  const start = Date.now() - 3_600_000;
  store.logLines.insertMany(
    Array.from({ length: TRIM_LINES + 3 }, (_, i): StoredLine => {
      const deploy = i < 3;
      return {
        deploymentId: trimDeployment.id,
        lineNo: i + 1,
        ts: start + i,
        stream: 'stdout',
        source: deploy ? 'deploy' : 'runtime',
        runId: null,
        step: deploy ? 'build' : null,
        text: deploy ? `build output ${i + 1}` : `old request ${i + 1} ${'z'.repeat(200)}`,
        cut: false,
      };
    }),
  );
  trimDeploymentId = trimDeployment.id;
  trimProjectId = trimProject.id;
  store.close();
  server = await startBerth({ BERTH_DATA_DIR: dataDir, BERTH_LOG_BUDGET_CHECK_MS: '200' });
});

test.afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

test('the Disk panel, opened from the header with the keyboard, shows the database size and the project’s logs', async ({ page }) => {
  const berth = server!;
  await openApp(page, berth);
  const link = page.getByRole('banner').getByRole('link', { name: 'App settings' });
  await link.focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#\/settings$/);
  await expect(page.getByRole('heading', { level: 2, name: 'Settings' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 3, name: 'Disk' })).toBeVisible();

  const usage = (await berth.api<DiskUsage>('GET', '/api/disk')).body;
  expect(usage.database.path).toBe(join(dataDir, 'berth.db'));
  expect(usage.database.fileBytes).toBeGreaterThan(0);
  // A size in the panel's units, and the file it is.
  await expect(page.getByTestId('disk-database-size')).toHaveText(/^\d+(\.\d)? (bytes|KB|MB|GB)$/);
  await expect(page.getByText(join(dataDir, 'berth.db'))).toBeVisible();

  const row = page.getByRole('table', { name: 'Disk use per project' }).getByRole('row', { name: /Disk Demo/ });
  await expect(row.getByRole('rowheader')).toHaveText('Disk Demo');
  await expect(row.getByRole('cell').nth(0)).toHaveText(LINES.toLocaleString('en-US'));
  const demo = usage.projects.find((project) => project.name === 'Disk Demo')!;
  expect(demo.logLines).toBe(LINES);
  expect(demo.logBytes).toBeGreaterThan(LINES * 'request 1 served'.length);
  await expect(page.getByLabel('Keep logs within (MB)')).toHaveValue('2048');
});

test('the Disk panel counts a static site’s kept release files, per project and in all', async ({ page }) => {
  const berth = server!;
  await openApp(page, berth);
  await page.evaluate("window.location.hash = '#/settings'");

  const usage = (await berth.api<DiskUsage>('GET', '/api/disk')).body;
  expect(usage.projects.find((project) => project.name === 'Site Demo')).toMatchObject({ artifactCount: 2, artifactBytes: 1536 * KB });
  expect(usage.projects.find((project) => project.name === 'Disk Demo')).toMatchObject({ artifactCount: 0, artifactBytes: 0 });

  const table = page.getByRole('table', { name: 'Disk use per project' });
  await expect(table.getByRole('columnheader').last()).toHaveText('Site files');
  const site = table.getByRole('row', { name: /Site Demo/ }).getByRole('cell').last();
  await expect(site).toHaveText('1.5 MB');
  await expect(site).toHaveAttribute('title', '2 releases kept');
  await expect(table.getByRole('row', { name: /Disk Demo/ }).getByRole('cell').last()).toHaveText('0 bytes');
  await expect(page.getByTestId('disk-site-files-size')).toHaveText('1.5 MB');
});

test('a log budget lowered in the panel trims the oldest runtime lines, and the log viewer marks the gap', async ({ page }) => {
  const berth = server!;
  await page.addInitScript(USE_DOM_RENDERER);
  await openApp(page, berth);
  await page.evaluate("window.location.hash = '#/settings'");
  const budget = page.getByLabel('Keep logs within (MB)');
  await budget.fill('0');
  await expect(budget).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByRole('button', { name: 'Save' })).toBeDisabled();
  await budget.fill('1');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved' })).toHaveText('Saved: logs are kept within 1.0 MB.');

  // The engine's own check (every 200 ms here) trims; the page the viewer reads now starts with the marker.
  await expect
    .poll(async () => (await berth.api<LogPage>('GET', `/api/deployments/${trimDeploymentId}/logs?since=3&limit=1`)).body.lines[0]?.stream, { timeout: 30_000 })
    .toBe('system');
  const page1 = (await berth.api<LogPage>('GET', `/api/deployments/${trimDeploymentId}/logs?since=0&limit=5`)).body.lines;
  expect(page1.slice(0, 3).map((line) => line.text)).toEqual(['build output 1', 'build output 2', 'build output 3']);
  expect(page1[3]!.lineNo).toBe(4);
  expect(page1[3]!.text).toMatch(/^\[TRIMMED\] \d+ runtime lines trimmed \(lines 4–\d+\)/);

  await page.evaluate(`window.location.hash = '#/projects/${trimProjectId}'`);
  await expect(page.getByTestId('log-viewer')).toHaveAttribute('data-connected', 'true');
  // The viewer opens on the newest lines, which here are all that is left: the kept runtime lines, the marker
  // and the deploy lines before it. Unwrapped, so the long lines fit the terminal's scrollback.
  await page.getByLabel('Wrap').uncheck();
  await expect(page.getByRole('button', { name: 'Load earlier' })).toHaveCount(0);
  // The viewer's search (over what it has loaded) finds the marker and scrolls the terminal to it.
  await page.locator('.log-terminal').click();
  await page.keyboard.press('Control+f');
  const search = page.getByRole('searchbox', { name: 'Search in logs' });
  await search.fill('runtime lines trimmed here');
  await expect(page.getByRole('status', { name: 'Match count' })).toHaveText(/of 1$/);
  await search.press('Enter');
  await expect(page.locator('.log-terminal .xterm-rows > div', { hasText: /┄┄ [\d,]+ runtime lines trimmed here \(lines 4–/ })).toBeVisible();
  await expect(page.locator('.log-terminal .xterm-rows > div', { hasText: 'build output 3' })).toBeVisible();
});
