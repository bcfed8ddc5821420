import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp, test, expect } from './support/berth';

// A real folder for sourceDir: the engine checks that it exists.
const sourceDir = mkdtempSync(join(tmpdir(), 'renderer-e2e-src-'));
test.afterAll(() => rmSync(sourceDir, { recursive: true, force: true }));

test('adds a project through the form, opens its view, and finds it again after a reload', async ({ page, berth }) => {
  await openApp(page, berth);
  await page.getByRole('link', { name: 'Add project' }).click();
  await page.getByLabel('Name').fill('Renderer Demo');
  await page.getByLabel('Source directory').fill(sourceDir);
  await page.getByLabel('Container port').fill('3000');
  await page.getByLabel('Health path').fill('/healthz');
  await page.getByRole('button', { name: 'Add project' }).click();

  // Saving opens the project view with its header.
  await expect(page.getByRole('heading', { level: 2, name: 'Renderer Demo' })).toBeVisible();
  await expect(page.getByLabel('Slug')).toHaveText('renderer-demo');
  await expect(page.getByText('Not deployed')).toBeVisible();
  await expect(page).toHaveURL(/#\/projects\/[A-Za-z0-9_-]+$/);

  // The engine stored what the form sent (the engine is shared by the worker's test files).
  const stored = await berth.api<{ name: string; sourceDir: string; settings: { port: number; healthPath: string } }[]>('GET', '/api/projects');
  expect(stored.body.filter((project) => project.name === 'Renderer Demo')).toEqual([
    expect.objectContaining({ name: 'Renderer Demo', sourceDir, settings: expect.objectContaining({ port: 3000, healthPath: '/healthz' }) }),
  ]);

  await page.getByRole('link', { name: '← Projects' }).click();
  await expect(page.getByRole('list', { name: 'Projects' }).getByRole('link', { name: 'Renderer Demo', exact: true })).toBeVisible();
  await page.getByRole('link', { name: 'Renderer Demo', exact: true }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Renderer Demo' })).toBeVisible();

  await page.reload();
  await expect(page.getByRole('heading', { level: 2, name: 'Renderer Demo' })).toBeVisible();
  await expect(page.getByRole('tab', { name: 'Logs' })).toHaveAttribute('aria-selected', 'true');
});

test('a malformed form shows the error next to the field, from the form and from the engine', async ({ page, berth }) => {
  await openApp(page, berth);
  await page.getByRole('link', { name: 'Add project' }).click();
  await page.getByLabel('Name').fill('Broken');
  await page.getByLabel('Source directory').fill(sourceDir);
  await page.getByLabel('Container port').fill('80x');
  await page.getByRole('button', { name: 'Add project' }).click();
  const port = page.getByLabel('Container port');
  await expect(port).toHaveAttribute('aria-invalid', 'true');
  await expect(port).toHaveAccessibleDescription('must be a whole number');

  // Only the engine knows the folder does not exist: its error.field lands on Source directory.
  await port.fill('8080');
  await page.getByLabel('Source directory').fill(join(sourceDir, 'does-not-exist'));
  await page.getByRole('button', { name: 'Add project' }).click();
  const source = page.getByLabel('Source directory');
  await expect(source).toHaveAttribute('aria-invalid', 'true');
  await expect(source).toHaveAccessibleDescription(/is not a directory on this machine/);
  await expect(port).not.toHaveAttribute('aria-invalid', 'true');
  expect((await berth.api<unknown[]>('GET', '/api/projects')).body.filter((project) => (project as { name: string }).name === 'Broken')).toHaveLength(0);
});

test('edits a project: secret values are never shown back, and kept when left empty', async ({ page, berth }) => {
  const created = await berth.api<{ id: string }>('POST', '/api/projects', { name: 'Secret Keeper', sourceDir });
  await openApp(page, berth);
  await page.getByRole('link', { name: 'Edit Secret Keeper' }).click();
  await page.getByRole('button', { name: 'Add variable' }).click();
  const row = page.getByRole('group', { name: 'Variable 1' });
  await row.getByLabel('Name').fill('API_TOKEN');
  await row.getByLabel('Value').fill('s3cr3t-value');
  await row.getByLabel('Secret').check();
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Secret Keeper' })).toBeVisible();

  await page.getByRole('link', { name: 'Settings', exact: true }).click();
  const value = page.getByRole('group', { name: 'Variable 1' }).getByLabel('Value');
  await expect(value).toHaveValue('');
  await expect(value).toHaveAttribute('placeholder', /secret is set/);
  await expect(page.getByText('s3cr3t-value')).toHaveCount(0);

  // Saving with the secret left empty keeps it (the engine still has a value, never echoed).
  await page.getByLabel('Name', { exact: true }).first().fill('Secret Keeper 2');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Secret Keeper 2' })).toBeVisible();
  const view = await berth.api<{ settings: { env: { name: string; value: string | null; secret: boolean }[] } }>('GET', `/api/projects/${created.body.id}`);
  expect(view.body.settings.env).toEqual([{ name: 'API_TOKEN', value: null, secret: true }]);
});

test('an ECS project takes its ECS settings in the form and shows them in the info grid', async ({ page, berth }) => {
  await openApp(page, berth);
  await page.getByRole('link', { name: 'Add project' }).click();
  await page.getByLabel('Name').fill('Renderer Cloud');
  await page.getByLabel('Source directory').fill(sourceDir);
  await expect(page.getByLabel('Cluster')).toHaveCount(0);
  await page.getByLabel('Target').selectOption('aws');
  // The folder is no static site: the AWS choice defaults to ECS.
  await expect(page.getByLabel('On AWS')).toHaveValue('ecs');
  await page.getByLabel('Region').fill('eu-west-1');
  await page.getByLabel('Cluster').fill('renderer-cluster');
  await page.getByLabel('Service').fill('renderer-service');
  await page.getByLabel('CPU units').fill('256');
  await page.getByLabel('Public URL').fill('not a url');
  await page.getByRole('button', { name: 'Add project' }).click();
  await expect(page.getByLabel('Public URL')).toHaveAttribute('aria-invalid', 'true');
  await page.getByLabel('Public URL').fill('https://renderer.example.com');
  await page.getByRole('button', { name: 'Add project' }).click();

  await expect(page.getByRole('heading', { level: 2, name: 'Renderer Cloud' })).toBeVisible();
  await expect(page.getByLabel('Target')).toHaveText('AWS ECS');
  const grid = page.getByRole('definition');
  await expect(grid.filter({ hasText: 'renderer-cluster' })).toBeVisible();
  await expect(grid.filter({ hasText: 'renderer-service' })).toBeVisible();
  await expect(grid.filter({ hasText: 'eu-west-1' })).toBeVisible();
  const stored = await berth.api<{ name: string; target: string; settings: { ecs?: Record<string, unknown> } }[]>('GET', '/api/projects');
  expect(stored.body.find((project) => project.name === 'Renderer Cloud')).toMatchObject({
    target: 'ecs',
    settings: { ecs: { region: 'eu-west-1', cluster: 'renderer-cluster', service: 'renderer-service', cpu: 256, publicUrl: 'https://renderer.example.com' } },
  });
});

test('headless Berth refuses stored AWS keys in the form with what to do instead, and never shows the secret', async ({ page, berth }) => {
  const created = await berth.api<{ id: string }>('POST', '/api/projects', { name: 'Keyless Cloud', sourceDir, target: 'ecs', settings: { ecs: { region: 'eu-west-1' } } });
  expect(created.status).toBe(200);
  await openApp(page, berth);
  await page.getByRole('link', { name: 'Edit Keyless Cloud' }).click();
  const keys = page.getByRole('group', { name: 'AWS keys' });
  await expect(keys.getByTestId('aws-keys-status')).toContainText('No keys stored');
  await keys.getByLabel('Access key ID').fill('AKIAIOSFODNN7EXAMPLE');
  await keys.getByLabel('Secret access key').fill('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
  const sent = page.waitForRequest((request) => request.url().includes('/aws-credentials'));
  await keys.getByRole('button', { name: 'Store keys' }).click();
  // The secret travels in the request body, never in the URL.
  const request = await sent;
  expect(request.method()).toBe('PUT');
  expect(request.url()).not.toContain('wJalrXUtnFEMI');
  expect(request.postDataJSON()).toMatchObject({ secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' });
  // `berth serve` has no OS keychain: the engine's refusal names the alternatives.
  await expect(keys.getByRole('alert')).toContainText(/profile/i);
  await expect(keys.getByTestId('aws-keys-status')).toContainText('No keys stored');
  await expect(page.getByText('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY')).toHaveCount(0);
  const view = await berth.api<{ awsCredentials: unknown }>('GET', `/api/projects/${created.body.id}`);
  expect(view.body.awsCredentials).toBeNull();
});

test('the project tabs work from the keyboard', async ({ page, berth }) => {
  const created = await berth.api<{ id: string }>('POST', '/api/projects', { name: 'Renderer Keys', sourceDir });
  await page.goto(berth.browserUrl);
  await page.goto(`${berth.url}/#/projects/${created.body.id}`);
  const logs = page.getByRole('tab', { name: 'Logs' });
  await logs.focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('tab', { name: 'Metrics' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('tab', { name: 'Metrics' })).toBeFocused();
  await page.keyboard.press('End');
  await expect(page.getByRole('tab', { name: 'Build' })).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByRole('tab', { name: 'History' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('tabpanel')).toContainText('No runs yet');
  await page.keyboard.press('End');
  await page.keyboard.press('ArrowRight');
  await expect(logs).toHaveAttribute('aria-selected', 'true');
});
