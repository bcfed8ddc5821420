import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { openApp, test, expect, type BerthServer } from './support/berth';
import type { Page } from '@playwright/test';

// Deploys the fixture apps from the UI against the real Docker engine. Everything this file
// creates is named `renderer-…` and removed afterwards.
const fixture = (name: string) => fileURLToPath(new URL(`../test/fixtures/apps/${name}`, import.meta.url));
const DOCKER_STEPS = ['detect', 'build', 'setup', 'deploy', 'verify', 'done'];

let server: BerthServer | undefined;

async function addProject(berth: BerthServer, name: string, app: string): Promise<string> {
  const created = await berth.api<{ id: string }>('POST', '/api/projects', { name, sourceDir: fixture(app) });
  expect(created.status).toBe(200);
  return created.body.id;
}

async function openProject(page: Page, berth: BerthServer, projectId: string, name: string): Promise<void> {
  await openApp(page, berth);
  await page.getByRole('link', { name, exact: true }).click();
  await expect(page.getByRole('heading', { level: 2, name })).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`#/projects/${projectId}$`));
}

const step = (page: Page, name: string) => page.getByRole('list', { name: 'Steps' }).getByRole('button', { name: new RegExp(`^${name}: `) });
const runStatus = (page: Page) => page.getByRole('region', { name: 'Run steps' }).getByLabel('Run status');

test.beforeEach(({ berth }) => {
  server = berth;
});

test.afterAll(async () => {
  if (server) {
    const deployments = await server.api<{ id: string; projectName: string; containerId: string | null }[]>('GET', '/api/deployments');
    // The engine is shared by the worker's files: clean up only what this file made.
    for (const deployment of deployments.body.filter((candidate) => candidate.projectName.startsWith('renderer-'))) {
      if (deployment.containerId) await server.api('DELETE', `/api/deployments/${deployment.id}`);
      try {
        execFileSync('docker', ['rm', '-f', `berth-${deployment.id}`, `berth-${deployment.id}-next`], { stdio: 'ignore' });
      } catch {
        // already gone
      }
    }
  }
  const images = execFileSync('docker', ['images', '--format', '{{.Repository}}:{{.Tag}}', 'berth/renderer-*']).toString().split('\n').filter(Boolean);
  if (images.length > 0) execFileSync('docker', ['rmi', '-f', ...images], { stdio: 'ignore' });
});

test('deploys the healthy fixture from the UI and watches every step go green', async ({ page, berth }, testInfo) => {
  const projectId = await addProject(berth, 'renderer-healthy', 'healthy');
  await openProject(page, berth, projectId, 'renderer-healthy');
  await expect(page.getByText('Not deployed')).toBeVisible();

  await page.getByRole('button', { name: 'Deploy', exact: true }).click();
  // The steps panel follows the run live; each step ends green.
  await expect(page.getByRole('list', { name: 'Steps' }).getByRole('listitem')).toHaveCount(DOCKER_STEPS.length);
  for (const name of DOCKER_STEPS) await expect(step(page, name)).toHaveAccessibleName(new RegExp(`^${name}: Success, \\d`), { timeout: 90_000 });
  await expect(runStatus(page)).toHaveText('Completed');

  // The header and info grid follow deploymentUpdated.
  await expect(page.getByLabel('Deployment status')).toHaveText('Running');
  const details = page.getByRole('definition').filter({ hasText: /^http:\/\/127\.0\.0\.1:\d+$/ });
  await expect(details).toBeVisible();
  const url = (await details.textContent())!;
  const health = await fetch(`${url}/health`);
  expect(health.status).toBe(200);
  await expect(page.getByRole('button', { name: 'Redeploy' })).toBeEnabled();

  await page.screenshot({ path: testInfo.outputPath('project-view-deployed.png'), fullPage: true });

  // Clicking a step shows its logs: the Logs tab moves to the step's first line.
  await page.getByRole('tab', { name: 'History' }).click();
  await step(page, 'build').click();
  await expect(page.getByRole('tab', { name: 'Logs' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('log-status')).toContainText(/Showing line \d+/);

  // Stop: the deployment goes to stopped and the container is gone.
  await page.getByRole('button', { name: 'Stop', exact: true }).click();
  await expect(page.getByLabel('Deployment status')).toHaveText('Stopped');
  await expect(page.getByRole('button', { name: 'Stop', exact: true })).toBeDisabled();
});

test('a failing build shows the failure card, and its evidence line opens the logs', async ({ page, berth }, testInfo) => {
  const projectId = await addProject(berth, 'renderer-build-fails', 'build-fails');
  await openProject(page, berth, projectId, 'renderer-build-fails');
  await page.getByRole('button', { name: 'Deploy', exact: true }).click();

  const card = page.getByRole('region', { name: 'Failure' });
  await expect(card).toBeVisible({ timeout: 90_000 });
  await expect(card.getByText('DOCKER_IMAGE_BUILD_FAILED', { exact: true })).toBeVisible();
  await expect(card).toContainText('Likely cause:');
  await expect(runStatus(page)).toHaveText('Failed');
  await expect(step(page, 'build')).toHaveAccessibleName(/^build: Failed/);
  await expect(step(page, 'verify')).toHaveAccessibleName(/^verify: (Skipped|Pending)/);

  await page.getByRole('tab', { name: 'History' }).click();
  await expect(page.getByRole('tab', { name: 'History' })).toHaveAttribute('aria-selected', 'true');
  const evidence = card.getByRole('button', { name: /^Show evidence line \d+ in the logs: .*(exit|error|non-zero)/i });
  await page.screenshot({ path: testInfo.outputPath('project-view-failed.png'), fullPage: true });
  const lineNo = /line (\d+)/.exec((await evidence.getAttribute('aria-label')) ?? '')?.[1];
  expect(lineNo).toBeDefined();
  await evidence.click();
  await expect(page.getByRole('tab', { name: 'Logs' })).toHaveAttribute('aria-selected', 'true');
  // The log viewer moved to the evidence line (its jumpTo prop).
  await expect(page.getByTestId('log-status')).toContainText(`Showing line ${lineNo}`);
});

test('redeploys, compares the two runs side by side in History, and rolls back to the first release', async ({ page, berth }, testInfo) => {
  const projectId = await addProject(berth, 'renderer-history', 'healthy');
  await openProject(page, berth, projectId, 'renderer-history');
  await page.getByRole('button', { name: 'Deploy', exact: true }).click();
  await expect(runStatus(page)).toHaveText('Completed', { timeout: 90_000 });
  await page.getByRole('button', { name: 'Redeploy' }).click();
  await expect(page.getByRole('region', { name: 'Run steps' }).getByRole('heading')).toContainText('Redeploy run');
  await expect(runStatus(page)).toHaveText('Completed', { timeout: 90_000 });

  await page.getByRole('tab', { name: 'History' }).click();
  const rows = page.getByRole('table', { name: 'Runs' }).getByRole('row');
  await expect(rows).toHaveCount(3); // header + two runs, newest first
  await expect(rows.nth(1)).toContainText('Redeploy');
  await expect(rows.nth(2)).toContainText('Deploy');
  const stats = page.getByRole('definition');
  await expect(stats.filter({ hasText: /runs\/day$/ })).toHaveText('2.0 runs/day');

  await rows.nth(1).getByRole('checkbox').check();
  await rows.nth(2).getByRole('checkbox').check();
  const comparison = page.getByRole('table', { name: 'Run comparison' });
  await expect(comparison.getByRole('row', { name: /^Kind/ })).toContainText('Redeploy');
  await expect(comparison.getByRole('row', { name: /^Step: build/ })).toContainText('Success');
  await expect(comparison.getByRole('row', { name: /^Image/ })).toContainText('berth/renderer-history');
  await page.screenshot({ path: testInfo.outputPath('project-view-compare.png'), fullPage: true });

  // Any run can be opened in the steps panel from History.
  await rows.nth(2).getByRole('button', { name: /^Show steps of run/ }).click();
  await expect(page.getByRole('region', { name: 'Run steps' }).getByRole('heading')).toContainText('Deploy run');
  await page.getByRole('button', { name: 'Show latest run' }).click();
  await expect(page.getByRole('region', { name: 'Run steps' }).getByRole('heading')).toContainText('Redeploy run');

  // The release picker offers the first release; rolling back makes a rollback run.
  const picker = page.getByLabel('Release');
  await expect(picker.getByRole('option')).toHaveCount(1);
  await page.getByRole('button', { name: 'Roll back' }).click();
  await expect(page.getByRole('region', { name: 'Run steps' }).getByRole('heading')).toContainText('Rollback run');
  await expect(runStatus(page)).toHaveText('Completed', { timeout: 90_000 });
  await expect(page.getByLabel('Deployment status')).toHaveText('Running');
});

test('pauses a run after the current step and resumes it', async ({ page, berth }) => {
  const projectId = await addProject(berth, 'renderer-slow', 'slow-start');
  await openProject(page, berth, projectId, 'renderer-slow');
  await page.getByRole('button', { name: 'Deploy', exact: true }).click();
  // slow-start answers /health only after ~4 s, so verify is still running when Pause is pressed.
  await expect(step(page, 'verify')).toHaveAccessibleName(/^verify: Running/, { timeout: 90_000 });
  await page.getByRole('group', { name: 'Run controls' }).getByRole('button', { name: 'Pause' }).click();
  await expect(runStatus(page)).toHaveText('Paused', { timeout: 60_000 });
  await expect(step(page, 'verify')).toHaveAccessibleName(/^verify: Success/);
  await expect(step(page, 'done')).toHaveAccessibleName(/^done: Pending/);
  await page.getByRole('group', { name: 'Run controls' }).getByRole('button', { name: 'Resume' }).click();
  await expect(runStatus(page)).toHaveText('Completed', { timeout: 60_000 });
  await expect(step(page, 'done')).toHaveAccessibleName(/^done: Success/);
});

test('the projects list follows a deploy started elsewhere (CLI or API) through events', async ({ page, berth }) => {
  const projectId = await addProject(berth, 'renderer-live', 'healthy');
  await openApp(page, berth);
  const card = page.getByRole('listitem').filter({ has: page.getByRole('link', { name: 'renderer-live', exact: true }) });
  await expect(card).toContainText('Not deployed');

  const started = await berth.api<{ run: { id: string }; deployment: { id: string } }>('POST', `/api/projects/${projectId}/deploy`);
  expect(started.status).toBe(200);
  await expect(card.getByLabel('renderer-live status')).toHaveText('Running', { timeout: 90_000 });

  // The project view opened now shows the run that the API started.
  await card.getByRole('link', { name: 'renderer-live', exact: true }).click();
  await expect(page.getByRole('region', { name: 'Run steps' }).getByRole('heading')).toContainText(started.body.run.id);
  await expect(runStatus(page)).toHaveText('Completed');
  await berth.api('DELETE', `/api/deployments/${started.body.deployment.id}`);
  await expect(page.getByLabel('Deployment status')).toHaveText('Stopped');
});

test('stopping a run skips the remaining steps and keeps the completed ones', async ({ page, berth }) => {
  const projectId = await addProject(berth, 'renderer-stop', 'slow-start');
  await openProject(page, berth, projectId, 'renderer-stop');
  await page.getByRole('button', { name: 'Deploy', exact: true }).click();
  await expect(step(page, 'verify')).toHaveAccessibleName(/^verify: Running/, { timeout: 90_000 });
  await page.getByRole('group', { name: 'Run controls' }).getByRole('button', { name: 'Stop run' }).click();
  await expect(runStatus(page)).toHaveText('Stopped', { timeout: 60_000 });
  await expect(step(page, 'build')).toHaveAccessibleName(/^build: Success/);
  await expect(step(page, 'done')).toHaveAccessibleName(/^done: Skipped/);
  await expect(page.getByRole('group', { name: 'Run controls' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Redeploy' })).toBeEnabled();
});
