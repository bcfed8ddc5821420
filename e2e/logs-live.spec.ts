// Reconnect: a reload while lines are streaming replays the snapshot and carries on, with no
// duplicate and no missing line. The lines come from a real container whose output the engine's
// runtime log follower ingests (the deployment is seeded as running before `berth serve` starts).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { Store } from '../electron/engine/store/store';
import { berthLabels, PROJECT_LABEL } from '../electron/engine/docker/labels';
import { projectSettingsSchema } from '../shared';
import { expect, startBerth, test } from './support/berth';
import { USE_DOM_RENDERER } from './support/log-viewer';

const LINES = 600;
const docker = new Docker();
const containerName = `logs-viewer-live-${process.pid}`;

let server: Awaited<ReturnType<typeof startBerth>>;
let dataDir: string;
let projectId: string;
let container: Docker.Container | undefined;

test.beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'logs-live-e2e-'));
  const store = Store.open(join(dataDir, 'berth.db'));
  let deploymentId: string;
  try {
    const project = store.projects.create({ name: 'logs-viewer live', sourceDir: '/tmp', target: 'docker', settings: projectSettingsSchema.parse({}) });
    projectId = project.id;
    deploymentId = store.deployments.create(project.id, 'docker').id;
    // The app prints a numbered line every 25 ms after a short pause, then idles.
    container = await docker.createContainer({
      name: containerName,
      Image: 'berth-test/busybox:1',
      Cmd: ['sh', '-c', `sleep 2; i=1; while [ $i -le ${LINES} ]; do echo "live-line-$i of ${LINES}"; i=$((i+1)); usleep 25000; done; echo live-done; sleep 3600`],
      Labels: berthLabels(deploymentId, project.id),
      HostConfig: { AutoRemove: false },
    });
    await container.start();
    store.deployments.update(deploymentId, { status: 'running', health: 'unknown', containerId: container.id, startedAt: Date.now() });
  } finally {
    store.close();
  }
  server = await startBerth({ BERTH_DATA_DIR: dataDir });
});

let deployDir: string | undefined;
let deployedId: string | undefined;
let deployProjectId: string | undefined;

test.afterAll(async () => {
  if (deployedId) await server?.api('DELETE', `/api/deployments/${deployedId}`).catch(() => undefined);
  await server?.stop();
  await container?.remove({ force: true }).catch(() => undefined);
  // Whatever the deploy left behind (its container, a half-swapped one), found by the project label.
  if (deployProjectId) {
    const leftovers = await docker.listContainers({ all: true, filters: { label: [`${PROJECT_LABEL}=${deployProjectId}`] } }).catch(() => []);
    for (const leftover of leftovers) await docker.getContainer(leftover.Id).remove({ force: true }).catch(() => undefined);
  }
  for (const image of await docker.listImages({ filters: { reference: ['berth/logs-viewer-deploy'] } })) await docker.getImage(image.Id).remove({ force: true }).catch(() => undefined);
  if (deployDir) rmSync(deployDir, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

/** Reads the terminal's whole text through the Copy button (no selection: Copy takes everything it shows). */
async function copiedTerminalText(page: import('@playwright/test').Page): Promise<string> {
  await page.getByRole('button', { name: 'Copy', exact: true }).click();
  await expect(page.getByTestId('log-status')).toContainText('Copied');
  return page.evaluate<string>('navigator.clipboard.readText()');
}

function numbered(text: string, pattern: RegExp): { duplicates: number[]; order: number[] } {
  const order = [...text.matchAll(pattern)].map((match) => Number(match[1]));
  const seen = new Set<number>();
  const duplicates = order.filter((number) => (seen.has(number) ? true : (seen.add(number), false)));
  return { duplicates, order };
}

test('a reload while lines stream replays the snapshot and continues with no duplicate and no missing line', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.addInitScript(USE_DOM_RENDERER);
  await page.goto(server.browserUrl);
  await expect(page.getByRole('heading', { name: 'Berth' })).toBeVisible();
  await page.evaluate(`window.location.hash = '#/projects/${projectId}'`);
  const viewer = page.getByTestId('log-viewer');
  await expect(viewer).toHaveAttribute('data-connected', 'true');

  // Reload in the middle of the stream (twice, to cross more than one batch boundary).
  for (const atLeast of [60, 250]) {
    await expect.poll(async () => Number(await viewer.getAttribute('data-written-through')), { timeout: 60_000 }).toBeGreaterThanOrEqual(atLeast);
    const before = Number(await viewer.getAttribute('data-written-through'));
    expect(before).toBeLessThan(LINES);
    await page.reload();
    await expect(viewer).toHaveAttribute('data-connected', 'true');
  }

  await expect(page.locator('.log-terminal .xterm-rows > div', { hasText: 'live-done' })).toBeVisible({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Copy', exact: true }).click();
  await expect(page.getByTestId('log-status')).toContainText('Copied');
  const text = await page.evaluate<string>('navigator.clipboard.readText()');
  const seen = new Map<number, number>();
  for (const match of text.matchAll(/live-line-(\d+) of /g)) seen.set(Number(match[1]), (seen.get(Number(match[1])) ?? 0) + 1);
  const duplicates = [...seen].filter(([, count]) => count > 1).map(([lineNo]) => lineNo);
  const missing = Array.from({ length: LINES }, (_, index) => index + 1).filter((number) => !seen.has(number));
  expect(duplicates).toEqual([]);
  expect(missing).toEqual([]);
  // And in order.
  const order = [...text.matchAll(/live-line-(\d+) of /g)].map((match) => Number(match[1]));
  expect(order).toEqual([...order].sort((a, b) => a - b));
});

test('a reload during an active deploy replays the run so far and follows the build to the end, each line once', async ({ page, context }) => {
  const BUILD_LINES = 300;
  // A project whose image build prints numbered lines slowly, then serves /health like the healthy fixture.
  deployDir = mkdtempSync(join(tmpdir(), 'logs-viewer-deploy-'));
  writeFileSync(
    join(deployDir, 'Dockerfile'),
    [
      'FROM berth-test/busybox:1',
      `RUN i=1; while [ $i -le ${BUILD_LINES} ]; do echo "build-line-$i of ${BUILD_LINES}"; i=$((i+1)); usleep 30000; done`,
      'RUN mkdir -p /www && echo ok > /www/health',
      'EXPOSE 8080',
      'CMD ["sh", "-c", "trap \'exit 0\' TERM; httpd -f -p 8080 -h /www & wait"]',
      '',
    ].join('\n'),
  );
  const created = await server.api<{ id: string }>('POST', '/api/projects', { name: 'logs-viewer deploy', sourceDir: deployDir, settings: { port: 8080, verifyTimeoutMs: 30_000 } });
  expect(created.status).toBeLessThan(300);
  deployProjectId = created.body.id;
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.addInitScript(USE_DOM_RENDERER);
  await page.goto(server.browserUrl);
  await expect(page.getByRole('heading', { name: 'Berth' })).toBeVisible();
  const deployed = await server.api<{ deployment: { id: string }; run: { id: string } }>('POST', `/api/projects/${created.body.id}/deploy`);
  expect(deployed.status).toBeLessThan(300);
  deployedId = deployed.body.deployment.id;
  await page.evaluate(`window.location.hash = '#/projects/${created.body.id}'`);
  const viewer = page.getByTestId('log-viewer');
  await expect(viewer).toHaveAttribute('data-connected', 'true');

  // Mid-build: some numbered lines are shown, not all.
  const row = (text: string) => page.locator('.log-terminal .xterm-rows > div', { hasText: text });
  await expect(row('build-line-40 of')).toBeVisible({ timeout: 90_000 });
  expect(await row(`build-line-${BUILD_LINES} of`).count()).toBe(0);
  await page.reload();
  await expect(viewer).toHaveAttribute('data-connected', 'true');

  // The run ends (its done step goes green in the viewer's step strip), then every build line is there once, in order.
  await expect(page.getByRole('navigation', { name: 'Steps in the log' }).getByRole('button', { name: /^done/ })).toContainText('success', { timeout: 120_000 });
  const text = await copiedTerminalText(page);
  const { duplicates, order } = numbered(text, /build-line-(\d+) of /g);
  expect(duplicates).toEqual([]);
  expect(order).toEqual(Array.from({ length: BUILD_LINES }, (_, index) => index + 1));
  expect(text).toContain('━━ build · success');
});
