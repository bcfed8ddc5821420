// A zero-config deploy from the UI against the real Docker engine: a static site with no Dockerfile is
// added through the form (which shows what Berth detects), deployed, shown in the info grid with its shape
// and health check, its generated Dockerfile read from the build log, then saved as the project's own
// Dockerfile from the Build tab. The site is a temp copy: the repository's fixtures are never written.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';
import { PROJECT_LABEL } from '../electron/engine/docker/labels';
import type { GeneratedDockerfile } from '../shared/generated-dockerfile';
import { expect, startBerth, test } from './support/berth';
import { USE_DOM_RENDERER } from './support/log-viewer';

const NAME = 'zero-config-site';
const FIXTURE = fileURLToPath(new URL('../test/fixtures/zero-config/static-site', import.meta.url));
const docker = new Docker();

interface Provisioning {
  ensureRuntimeImages: () => Record<string, string>;
  runtimeImageEnv: (tags: Record<string, string>) => Record<string, string>;
}

let server: Awaited<ReturnType<typeof startBerth>>;
let temp: string;
let siteDir: string;
let projectId: string | undefined;

test.beforeAll(async () => {
  // The generated Dockerfile starts FROM the runtime images built from Debian packages (no registry here).
  // @ts-expect-error plain JS module without types
  const provisioning = (await import('../scripts/provision.js')) as Provisioning;
  const env = provisioning.runtimeImageEnv(provisioning.ensureRuntimeImages());
  temp = mkdtempSync(join(tmpdir(), 'berth-e2e-zero-config-'));
  siteDir = join(temp, NAME);
  cpSync(FIXTURE, siteDir, { recursive: true });
  server = await startBerth(env);
});

test.afterAll(async () => {
  if (projectId) {
    const containers = await docker.listContainers({ all: true, filters: { label: [`${PROJECT_LABEL}=${projectId}`] } }).catch(() => []);
    for (const container of containers) await docker.getContainer(container.Id).remove({ force: true }).catch(() => undefined);
  }
  for (const image of await docker.listImages({ filters: { reference: [`berth/${NAME}`] } }).catch(() => [])) await docker.getImage(image.Id).remove({ force: true }).catch(() => undefined);
  await server?.stop();
  if (temp) rmSync(temp, { recursive: true, force: true });
});

/** The value beside a term in a description list (the info grid, the Build tab's summary). */
function valueOf(scope: import('@playwright/test').Locator, term: string): import('@playwright/test').Locator {
  return scope.getByRole('term').filter({ hasText: new RegExp(`^${term}$`) }).locator('xpath=following-sibling::dd[1]');
}

/** Reads the terminal's whole text through the Copy button (no selection: Copy takes everything it shows). */
async function copiedTerminalText(page: import('@playwright/test').Page): Promise<string> {
  await page.getByRole('button', { name: 'Copy', exact: true }).click();
  await expect(page.getByTestId('log-status')).toContainText('Copied');
  return page.evaluate<string>('navigator.clipboard.readText()');
}

test('deploys a folder without a Dockerfile from the UI, shows how it was built, and saves the generated Dockerfile', async ({ page, context }, testInfo) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.addInitScript(USE_DOM_RENDERER);
  await page.goto(server.browserUrl);
  await expect(page.getByRole('heading', { name: 'Berth' })).toBeVisible();

  // Only a name and a folder: the form says what it detects and shows it in the placeholders.
  await page.getByRole('link', { name: 'Add project' }).click();
  await page.getByLabel('Name').fill(NAME);
  await page.getByLabel('Source directory').fill(siteDir);
  await expect(page.getByRole('status', { name: 'Detected in the folder' })).toHaveText('Detected: static · files served as they are');
  await expect(page.getByLabel('Container port')).toHaveAttribute('placeholder', '8080');
  await expect(page.getByLabel('Health path')).toHaveAttribute('placeholder', 'none: checks that it answers HTTP');
  await expect(page.getByLabel('Start command')).toHaveAttribute('placeholder', 'none (static files)');
  await expect(page.getByLabel('Container port')).toHaveValue('');
  await page.screenshot({ path: testInfo.outputPath('zero-config-form.png'), fullPage: true });
  await page.getByRole('button', { name: 'Add project' }).click();
  await expect(page.getByRole('heading', { level: 2, name: NAME })).toBeVisible();
  projectId = /#\/projects\/([^/]+)$/.exec(page.url())?.[1];
  expect(projectId).toBeDefined();
  const created = await server.api<{ settings: Record<string, unknown> }>('GET', `/api/projects/${projectId}`);
  expect(created.body.settings).not.toHaveProperty('port');
  expect(created.body.settings).not.toHaveProperty('healthPath');

  // The Dockerfile Berth will build with, as the API previews it (nothing is written yet).
  const preview = await server.api<GeneratedDockerfile>('GET', `/api/projects/${projectId}/dockerfile`);
  expect(preview.status).toBe(200);
  expect(existsSync(join(siteDir, 'Dockerfile'))).toBe(false);

  await page.getByRole('button', { name: 'Deploy', exact: true }).click();
  const runStatus = page.getByRole('region', { name: 'Run steps' }).getByLabel('Run status');
  // Wait for the run to end either way, so a failure shows at once with its status.
  await expect(runStatus).toHaveText(/^(Completed|Failed|Stopped)$/, { timeout: 120_000 });
  await expect(runStatus).toHaveText('Completed', { timeout: 1 });
  await expect(page.getByLabel('Deployment status')).toHaveText('Running');

  // The info grid: the detected shape from the run's scan, and what the health check is.
  const details = page.getByLabel('Deployment details');
  const item = (label: string) => valueOf(details, label);
  await expect(item('Shape')).toHaveText('static · files served as they are');
  await expect(item('Health check')).toHaveText('answers HTTP on / (no health route)');
  const url = await item('Public URL').textContent();
  expect((await fetch(`${url}/`)).status).toBe(200);

  // The build log holds the generated Dockerfile, line for line.
  await page.getByRole('tab', { name: 'Logs' }).click();
  await expect(page.getByRole('navigation', { name: 'Steps in the log' }).getByRole('button', { name: /^done/ })).toContainText('success');
  const log = await copiedTerminalText(page);
  const logLines = log.split('\n').map((line) => line.trimEnd());
  for (const line of preview.body.text.split('\n').filter((text) => text.trim() !== '')) expect(logLines.some((logged) => logged.endsWith(line.trimEnd()))).toBe(true);
  await page.screenshot({ path: testInfo.outputPath('zero-config-deployed.png'), fullPage: true });

  // The Build tab shows the same Dockerfile; saving it (from the keyboard) writes it into the folder.
  await page.getByRole('tab', { name: 'Build' }).click();
  const buildTab = page.getByRole('tabpanel');
  await expect(valueOf(buildTab, 'Shape')).toHaveText('static · files served as they are');
  await expect(valueOf(buildTab, 'Health check')).toHaveText('answers HTTP on / (no health route) (default)');
  const generated = page.getByRole('region', { name: 'Generated Dockerfile' });
  await expect(generated.getByRole('region', { name: 'Dockerfile text' })).toHaveText(preview.body.text);
  await expect(generated.getByRole('list', { name: 'Base images' })).toContainText(preview.body.baseImages[0]!.image);
  await page.screenshot({ path: testInfo.outputPath('zero-config-build-tab.png'), fullPage: true });
  const save = generated.getByRole('button', { name: 'Save as Dockerfile' });
  await save.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status').filter({ hasText: /^Saved / })).toHaveText(
    `Saved ${join(siteDir, 'Dockerfile')} and ${join(siteDir, '.dockerignore')}. ${NAME} now builds from its own Dockerfile: edit it as you like, and the next deploy uses it.`,
  );
  expect(readFileSync(join(siteDir, 'Dockerfile'), 'utf8')).toBe(preview.body.text);
  expect(readFileSync(join(siteDir, '.dockerignore'), 'utf8')).toMatch(/^# Written by Berth/);
  // From then on the project builds from its own Dockerfile: the tab says so and offers no second save.
  await expect(valueOf(buildTab, 'Shape')).toHaveText('existing_docker · builds from Dockerfile');
  await expect(generated).toHaveCount(0);
  await page.screenshot({ path: testInfo.outputPath('zero-config-saved.png'), fullPage: true });
  expect(existsSync(join(FIXTURE, 'Dockerfile'))).toBe(false);
});
