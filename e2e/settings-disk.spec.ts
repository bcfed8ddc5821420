// The Disk panel (docs/product-rules.md, "Disk usage"): reached from the app header with the keyboard, it
// shows the database's size and a row per project with its stored log lines, as the engine measures them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '../electron/engine/store/store';
import type { StoredLine } from '../electron/engine/store/log-lines';
import { projectSettingsSchema, type DiskUsage } from '../shared';
import { expect, openApp, startBerth, test, type BerthServer } from './support/berth';

const LINES = 1234;
let dataDir = '';
let server: (BerthServer & { stop(): Promise<void> }) | null = null;

test.beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'disk-e2e-'));
  const store = Store.open(join(dataDir, 'berth.db'));
  const settings = projectSettingsSchema.parse({ port: 8080, healthPath: '/health' });
  const project = store.projects.create({ name: 'Disk Demo', sourceDir: dataDir, target: 'docker', settings });
  const deployment = store.deployments.create(project.id, 'docker');
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
  store.close();
  server = await startBerth({ BERTH_DATA_DIR: dataDir });
});

test.afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

test('the Disk panel, opened from the header with the keyboard, shows the database size and the project’s logs', async ({ page }) => {
  const berth = server!;
  await openApp(page, berth);
  const link = page.getByRole('banner').getByRole('link', { name: 'Settings' });
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
