// Reconnect: a reload while lines are streaming replays the snapshot and carries on, with no
// duplicate and no missing line. The lines come from a real container whose output the engine's
// runtime log follower ingests (the deployment is seeded as running before `berth serve` starts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { Store } from '../electron/engine/store/store';
import { berthLabels } from '../electron/engine/targets/docker/labels';
import { projectSettingsSchema } from '../shared';
import { expect, startBerth, test } from './support/berth';

const LINES = 600;
const docker = new Docker();
const containerName = `logs-viewer-live-${process.pid}`;
// Browser-side scripts are strings: this file compiles without the DOM library.
const USE_DOM_RENDERER = { content: "window.localStorage.setItem('berth.logs.renderer', 'dom')" };

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

test.afterAll(async () => {
  await server?.stop();
  await container?.remove({ force: true }).catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
});

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
