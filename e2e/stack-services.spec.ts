// A Compose stack in Chromium against `berth serve` (docs/product-rules.md "Compose stacks: services in logs and
// metrics"): a stack deployment seeded in the store (three services, their lines interleaved, per-service samples
// over a few hours). The project window lists the services; the merged log tags every line with its service;
// the Services menu narrows it to `worker` (and Load earlier keeps it narrowed, filter mode asks the engine for
// worker only); the charts draw the stack total and a line per service.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { LogWriter } from '../electron/engine/logs/log-writer';
import { Store } from '../electron/engine/store/store';
import { projectSettingsSchema } from '../shared';
import { expect, startBerth, test } from './support/berth';
import { openProjectLogs } from './support/log-viewer';
import { stackService as service } from '../test/support/stack-service';

const SERVICES = ['web', 'worker', 'redis'] as const;
/** Lines per service: more than the viewer's first 2,000-line tail, so Load earlier has work to do. */
const PER_SERVICE = 1500;
const HOURS = 4;

let server: Awaited<ReturnType<typeof startBerth>>;
let dataDir: string;
let projectId = '';
let deploymentId = '';
const STACK = () => [
  service('web', { public: true, hostPort: 41234, containerPort: 3000, health: 'healthy' }),
  service('worker', { restarts: 2 }),
  service('redis', { image: 'redis:7-alpine' }),
];

test.beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'stack-services-e2e-'));
  const store = Store.open(join(dataDir, 'berth.db'));
  try {
    const project = store.projects.create({ name: 'Shop Stack', sourceDir: dataDir, target: 'docker', settings: projectSettingsSchema.parse({}) });
    projectId = project.id;
    const deployment = store.deployments.create(project.id, 'docker');
    deploymentId = deployment.id;
    store.deployments.update(deployment.id, {
      status: 'running',
      health: 'healthy',
      startedAt: Date.now() - HOURS * 3_600_000,
      services: STACK(),
    });
    const writer = new LogWriter(store, { maxBatchLines: 10_000, maxDelayMs: 60_000 });
    const start = Date.now() - 3 * PER_SERVICE * 1000;
    writer.system(deployment.id, '[DEPLOYED] the stack is live');
    for (let index = 0; index < 3 * PER_SERVICE; index++) {
      const name = SERVICES[index % 3]!;
      writer.append(deployment.id, { stream: 'stdout', source: 'runtime', text: `${name}-says line=${index} job=${index % 7 === 0 ? 'sync' : 'idle'}`, service: name, ts: start + index * 1000 });
    }
    writer.close();
    // A sample a minute for each service and the stack's total (their sum), over the last few hours.
    const now = Date.now();
    const samples = [];
    for (let minute = HOURS * 60; minute >= 0; minute--) {
      const at = now - minute * 60_000;
      const values = SERVICES.map((_name, index) => ({ cpu: 5 * (index + 1) + (minute % 10), mem: 100 * (index + 1) }));
      samples.push({ deploymentId: deployment.id, sampledAt: at, cpuPct: values.reduce((sum, value) => sum + value.cpu, 0), memUsedMb: 600, memLimitMb: 3072 });
      SERVICES.forEach((name, index) => samples.push({ deploymentId: deployment.id, sampledAt: at, cpuPct: values[index]!.cpu, memUsedMb: values[index]!.mem, memLimitMb: 1024, service: name }));
    }
    store.metrics.insertSamples(samples);
  } finally {
    store.close();
  }
  // No Docker engine for this Berth: the stack is a seeded record with no containers, and the start-up reconcile
  // (which would find none and mark every service missing) must leave it as stored.
  server = await startBerth({ BERTH_DATA_DIR: dataDir, DOCKER_HOST: 'unix:///nonexistent-berth-stack-e2e.sock' });
});

test.afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** All the terminal shows, through the Copy button (no selection: Copy takes every row). */
async function terminalText(page: Page): Promise<string> {
  await page.evaluate("navigator.clipboard.writeText('')");
  await page.getByRole('button', { name: 'Copy', exact: true }).click();
  await expect.poll(() => page.evaluate<string>('navigator.clipboard.readText()')).not.toBe('');
  return page.evaluate<string>('navigator.clipboard.readText()');
}

/** The service tag and the service named in the text of every seeded log line shown. */
function taggedLines(text: string): { tag: string; says: string }[] {
  return [...text.matchAll(/^(\w+)\s+(\w+)-says line=\d+/gm)].map((match) => ({ tag: match[1]!, says: match[2]! }));
}

test('a stack: the Services panel, the merged log tagged per service, the Services menu down to worker (paging earlier too), a chart line per service', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await openProjectLogs(page, server.browserUrl, projectId);

  // The Services panel: three services, the public one marked, its port on 127.0.0.1, image and restarts.
  const panel = page.getByTestId('services-panel');
  await expect(panel.locator('tbody tr')).toHaveCount(3);
  await expect(panel.locator('tr[data-service="web"]')).toContainText('public');
  await expect(panel.locator('tr[data-service="web"]')).toContainText('127.0.0.1:41234 → 3000');
  await expect(panel.locator('tr[data-service="redis"]')).toContainText('redis:7-alpine');
  await expect(panel.locator('tr[data-service="worker"] td').last()).toHaveText('2');

  // The merged log: every line tagged with the service that wrote it, the three interleaved in line order.
  await expect(page.locator('.log-terminal .xterm-rows > div', { hasText: /^worker\s+worker-says/ }).first()).toBeVisible();
  const merged = taggedLines(await terminalText(page));
  expect(merged.length).toBeGreaterThan(1000);
  expect(merged.every((line) => line.tag === line.says)).toBe(true);
  expect(new Set(merged.map((line) => line.tag))).toEqual(new Set(SERVICES));
  // Written round robin: each line's service follows the one before it in the stack's order.
  const order = (tag: string) => SERVICES.indexOf(tag as (typeof SERVICES)[number]);
  expect(merged.slice(1).every((line, index) => order(line.tag) === (order(merged[index]!.tag) + 1) % SERVICES.length)).toBe(true);

  // The Services menu: worker only.
  const menu = page.getByTestId('log-services-menu');
  await menu.locator('summary').click();
  await menu.getByRole('checkbox', { name: 'web' }).uncheck();
  await menu.getByRole('checkbox', { name: 'redis' }).uncheck();
  await expect(menu.locator('summary')).toHaveText('Services (1 of 3)');
  await menu.locator('summary').click();
  // The level counts are worker's (the stack's own [DEPLOYED] info line has no service), asked for at once.
  await expect(page.getByTestId('log-level-counts')).toContainText('1,500 unknown', { timeout: 2500 });
  await expect(page.getByTestId('log-level-counts')).not.toContainText('info');
  const workerOnly = taggedLines(await terminalText(page));
  expect(workerOnly.length).toBeGreaterThan(300);
  expect(workerOnly.every((line) => line.tag === 'worker' && line.says === 'worker')).toBe(true);

  // Load earlier, until everything is loaded: more of worker's lines, still worker's only, all of them in the end.
  const loadEarlier = page.locator('button:not([disabled])', { hasText: 'Load earlier' });
  await loadEarlier.click();
  await expect.poll(async () => taggedLines(await terminalText(page)).length).toBeGreaterThan(workerOnly.length);
  expect(taggedLines(await terminalText(page)).every((line) => line.tag === 'worker')).toBe(true);
  for (let clicks = 0; clicks < 5 && (await page.getByRole('button', { name: 'Load earlier' }).count()) > 0; clicks++) {
    await loadEarlier.click({ timeout: 5000 }).catch(() => undefined);
  }
  await expect.poll(async () => taggedLines(await terminalText(page)).length).toBe(PER_SERVICE);
  expect(taggedLines(await terminalText(page)).every((line) => line.tag === 'worker' && line.says === 'worker')).toBe(true);

  // Filter mode asks the engine for worker's lines only, and shows only them.
  const asked = page.waitForRequest((request) => request.url().includes('/logs?') && request.url().includes('filter=sync'));
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.getByRole('group', { name: 'Search mode' }).getByRole('button', { name: 'Filter', exact: true }).click();
  await page.getByRole('searchbox', { name: 'Search in logs' }).fill('sync');
  expect(new URL((await asked).url()).searchParams.get('service')).toBe('worker');
  await expect(page.getByTestId('log-viewer')).toHaveAttribute('data-filter', 'ready');
  const filtered = taggedLines(await terminalText(page));
  expect(filtered.length).toBeGreaterThan(0);
  expect(filtered.every((line) => line.tag === 'worker')).toBe(true);

  // The charts: the stack's total and one line per service, for CPU and memory, with a legend.
  await page.getByRole('tab', { name: 'Metrics' }).click();
  await page.getByRole('button', { name: '6 h' }).click();
  for (const [chart, prefix, total] of [
    ['cpu-chart', 'cpu', 'cpuPct'],
    ['memory-chart', 'mem', 'memUsedMb'],
  ] as const) {
    await expect(page.getByTestId(chart).locator(`.chart-series-${total} .recharts-line-curve`)).toHaveCount(1);
    for (let index = 0; index < SERVICES.length; index++) {
      await expect(page.getByTestId(chart).locator(`.chart-series-${prefix}_s${index} .recharts-line-curve`)).toHaveAttribute('d', /L/);
    }
  }
  const legend = page.getByTestId('metrics-series-legend');
  await expect(legend.locator('li')).toHaveText(['Stack total', 'web', 'worker', 'redis'].map((name) => new RegExp(name)));
});

test('the Services panel follows the deployment live (deploymentUpdated), without a reload', async ({ page }) => {
  await openProjectLogs(page, server.browserUrl, projectId);
  const worker = page.getByTestId('services-panel').locator('tr[data-service="worker"]');
  await expect(worker).toHaveAttribute('data-state', 'running');
  // The stack changes in the store (as the stack monitor would write it), then the engine announces the
  // deployment: a stop is the one change the API can make here, and its event carries the row as stored.
  const store = Store.open(join(dataDir, 'berth.db'));
  try {
    store.deployments.update(deploymentId, { services: STACK().map((entry) => (entry.name === 'worker' ? { ...entry, state: 'restarting', restarts: 3 } : entry)) });
  } finally {
    store.close();
  }
  await expect(worker).toHaveAttribute('data-state', 'running');
  expect((await server.api('DELETE', `/api/deployments/${deploymentId}`)).status).toBe(202);
  await expect(worker).toHaveAttribute('data-state', 'restarting');
  await expect(worker.locator('td').last()).toHaveText('3');
});
