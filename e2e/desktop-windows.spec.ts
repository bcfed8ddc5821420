import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect } from './support/berth';

// The Electron binary cannot run here, so this stands in for the preload: a `window.berth` bridge
// (one function per request) that forwards the few requests the projects window makes to the real engine.
const sourceDir = mkdtempSync(join(tmpdir(), 'renderer-e2e-win-'));
test.afterAll(() => rmSync(sourceDir, { recursive: true, force: true }));

test('in the desktop app a project opens in its own window at #/projects/<id>', async ({ page, berth }) => {
  const created = await berth.api<{ id: string }>('POST', '/api/projects', { name: 'renderer-window', sourceDir });
  await page.addInitScript(
    ({ url, token }) => {
      const get = (path: string) => async () => {
        const response = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
        return { ok: true, value: await response.json() };
      };
      Object.defineProperty(globalThis, 'berth', {
        value: {
          listProjects: get('/api/projects'),
          listDeployments: get('/api/deployments'),
          getStatus: get('/api/status'),
          on: () => () => undefined,
          subscribeLogs: () => () => undefined,
        },
      });
    },
    { url: berth.url, token: berth.token },
  );
  await page.goto(`${berth.url}/#/`);
  await expect(page.getByRole('heading', { name: 'Berth' })).toBeVisible();

  const popup = page.waitForEvent('popup');
  await page.getByRole('link', { name: 'renderer-window', exact: true }).click();
  const projectWindow = await popup;
  expect(new URL(projectWindow.url()).hash).toBe(`#/projects/${created.body.id}`);
  // The projects window stays on the list.
  await expect(page.getByRole('heading', { name: 'Projects' })).toBeVisible();
  expect(new URL(page.url()).hash).toBe('#/');
  await projectWindow.close();
});
