import { fileURLToPath } from 'node:url';
import { openApp, startBerth, test, expect } from './support/berth';

const fixture = (name: string) => fileURLToPath(new URL(`../test/fixtures/apps/${name}`, import.meta.url));

test('the header shows the Docker engine as reachable, with its version', async ({ page, berth }) => {
  const status = await berth.api<{ docker: { reachable: boolean; version: string | null } }>('GET', '/api/status');
  await openApp(page, berth);
  const health = page.getByRole('status', { name: 'System health' });
  // npm test provisions a running Docker engine (the offline case is the next test).
  expect(status.body.docker.reachable).toBe(true);
  await expect(health).toContainText(`Docker ${status.body.docker.version}`);
  await expect(health).toContainText('Healthy');
  await expect(health).toContainText(/AWS (not )?configured/);
});

test('with the Docker engine unreachable the header shows it offline and the engine degraded', async ({ page }) => {
  const offline = await startBerth({ DOCKER_HOST: 'unix:///nonexistent.sock' });
  try {
    await openApp(page, offline);
    const health = page.getByRole('status', { name: 'System health' });
    await expect(health).toContainText('Docker offline');
    await expect(health).toContainText('Degraded');
    await expect(health).toHaveAttribute('data-degraded', 'true');

    // A deploy while the engine is offline fails with a clear, classified reason.
    const created = await offline.api<{ id: string }>('POST', '/api/projects', { name: 'renderer-offline', sourceDir: fixture('healthy') });
    await page.getByRole('link', { name: 'renderer-offline', exact: true }).click();
    await page.getByRole('button', { name: 'Deploy', exact: true }).click();
    const card = page.getByRole('region', { name: 'Failure' });
    await expect(card.getByText('DOCKER_ENGINE_UNREACHABLE', { exact: true })).toBeVisible();
    await expect(card.getByText('retryable')).toBeVisible();
    expect(created.status).toBe(200);
  } finally {
    await offline.stop();
  }
});
