// A crash of a real container shows a toast and flips the status badge, live (Chromium, real `berth serve`).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Dockerode from 'dockerode';
import { Store } from '../electron/engine/store/store';
import { berthLabels } from '../electron/engine/docker/labels';
import { projectSettingsSchema } from '../shared';
import { expect, startBerth, test } from './support/berth';

const docker = new Dockerode();
let server: Awaited<ReturnType<typeof startBerth>>;
let dataDir: string;
let projectId: string;
let containerId: string;

test.beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'monitor-e2e-crash-'));
  const store = Store.open(join(dataDir, 'berth.db'));
  try {
    const project = store.projects.create({ name: 'monitor crash', sourceDir: '/tmp', target: 'docker', settings: projectSettingsSchema.parse({}) });
    projectId = project.id;
    const deployment = store.deployments.create(project.id, 'docker');
    const container = await docker.createContainer({
      name: `monitor-e2e-${deployment.id}`,
      Image: 'berth-test/busybox:1',
      Cmd: ['sh', '-c', 'i=0; while true; do i=$((i+1)); echo "crash-e2e tick $i"; sleep 0.2; done'],
      Labels: berthLabels(deployment.id, project.id),
      HostConfig: { RestartPolicy: { Name: 'unless-stopped' } },
    });
    containerId = container.id;
    await container.start();
    const info = await container.inspect();
    // A deployment the pipeline put live: the engine starts watching it when it starts.
    store.deployments.update(deployment.id, { status: 'running', health: 'healthy', containerId, startedAt: Date.parse(info.State.StartedAt) });
  } finally {
    store.close();
  }
  server = await startBerth({ BERTH_DATA_DIR: dataDir });
});

test.afterAll(async () => {
  await server?.stop();
  await docker
    .getContainer(containerId)
    .remove({ force: true })
    .catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
});

test('docker kill → a crash toast appears and the status badge flips to Crashed', async ({ page }) => {
  await page.goto(server.browserUrl);
  await expect(page.getByRole('heading', { name: 'Berth' })).toBeVisible();
  await page.evaluate(`window.location.hash = '#/projects/${projectId}'`);
  const badge = page.getByLabel('Deployment status: Running');
  await expect(badge).toBeVisible();
  await expect(page.getByTestId('toast')).toHaveCount(0);

  await docker.getContainer(containerId).kill();

  const toast = page.getByTestId('toast');
  await expect(toast).toHaveCount(1);
  await expect(toast).toContainText('monitor crash crashed');
  await expect(toast).toContainText('exited with 137');
  await expect(toast).toHaveAttribute('role', 'alert');
  await expect(page.getByLabel('Deployment status: Crashed')).toBeVisible();
  // The crash line is in the log the viewer shows.
  const logs = await server.api<{ lines: { text: string }[] }>('GET', `/api/deployments/${(await server.api<{ id: string }[]>('GET', '/api/deployments')).body[0]!.id}/logs?since=0&limit=5000`);
  expect(logs.body.lines.map((line) => line.text)).toContain('[CRASH] exit=137 oom=false');
  // Dismissing it removes it.
  await page.getByRole('button', { name: 'Dismiss: monitor crash crashed' }).click();
  await expect(toast).toHaveCount(0);
});
