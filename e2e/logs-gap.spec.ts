// Flow control in browser mode: a page too busy to read its log stream while the engine stores
// thousands of lines. The engine stops pushing and says `behind`; once the page reads again the
// viewer shows the gap marker, the missing lines come from storage, and the marker closes when the
// stream has caught up. The lines come from a real container through the runtime log follower,
// as in logs-live.spec.ts (the deployment is seeded as running before `berth serve` starts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { berthLabels } from '../electron/engine/docker/labels';
import { Store } from '../electron/engine/store/store';
import { projectSettingsSchema, type LogPage } from '../shared';
import { expect, startBerth, test } from './support/berth';
import { USE_DOM_RENDERER } from './support/log-viewer';

/**
 * About 24 MB of SSE: far more than the page's fetch pipe, the loopback socket buffers and the
 * engine's 1 MB watermark hold together (on the build machine the engine stopped pushing after
 * about 12,700 of these lines), so the engine must stop pushing while the page is stalled.
 */
const FLOOD_LINES = 30_000;
const PADDING = 'x'.repeat(600);
const docker = new Docker();
const containerName = `logs-gap-flood-${process.pid}`;

/** Records the gap marker's comings and goings, so a marker shown for less than a poll is still seen. */
const WATCH_BEHIND_MARKER = `(() => {
  const watch = (window.__behindMarker = { shown: [], open: false, closed: 0 });
  const record = () => {
    const marker = document.querySelector('[data-testid="log-behind-marker"]');
    if (marker && !watch.open) {
      watch.open = true;
      watch.shown.push(marker.textContent);
    } else if (!marker && watch.open) {
      watch.open = false;
      watch.closed += 1;
    }
  };
  new MutationObserver(record).observe(document.body, { childList: true, subtree: true, characterData: true });
  record();
})()`;

/**
 * Keeps the page's main thread busy, so it reads nothing of its streams, until the engine has stored
 * the whole flood (asked with synchronous requests, which need no free main thread).
 */
function stallUntilStored(deploymentId: string, after: number): string {
  return `(() => {
    const token = window.sessionStorage.getItem('berth.token');
    const started = Date.now();
    for (;;) {
      const request = new XMLHttpRequest();
      request.open('GET', '/api/deployments/${deploymentId}/logs?since=${after}&limit=100', false);
      request.setRequestHeader('authorization', 'Bearer ' + token);
      request.send();
      const page = JSON.parse(request.responseText);
      const done = page.lines.find((line) => line.text === 'flood-done');
      if (done) return { stalledMs: Date.now() - started, doneLineNo: done.lineNo };
      if (Date.now() - started > 90000) return { stalledMs: Date.now() - started, doneLineNo: null };
      // Busy between polls too: the point is a main thread that never gets to the streams.
      const until = Date.now() + 50;
      while (Date.now() < until);
    }
  })()`;
}

let server: Awaited<ReturnType<typeof startBerth>>;
let dataDir: string;
let projectId: string;
let deploymentId: string;
let container: Docker.Container | undefined;

test.beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'logs-gap-e2e-'));
  const store = Store.open(join(dataDir, 'berth.db'));
  try {
    const project = store.projects.create({ name: 'logs-gap', sourceDir: '/tmp', target: 'docker', settings: projectSettingsSchema.parse({}) });
    projectId = project.id;
    deploymentId = store.deployments.create(project.id, 'docker').id;
    // Prints `ready`, then floods on SIGUSR1 (as fast as seq and sed go), then idles.
    container = await docker.createContainer({
      name: containerName,
      Image: 'berth-test/busybox:1',
      Cmd: [
        'sh',
        '-c',
        `trap 'go=1' USR1; echo ready; while [ -z "$go" ]; do sleep 1 & wait $!; done; seq 1 ${FLOOD_LINES} | sed 's/.*/flood-line-& ${PADDING}/'; echo flood-done; while :; do sleep 3600; done`,
      ],
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

test('a page too busy to read its log stream sees the gap marker, then sees it close once it has caught up, with every line in order', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.addInitScript(USE_DOM_RENDERER);
  await page.setViewportSize({ width: 1400, height: 1000 });
  await page.goto(server.browserUrl);
  await expect(page.getByRole('heading', { name: 'Berth' })).toBeVisible();
  await page.evaluate(`window.location.hash = '#/projects/${projectId}'`);
  const viewer = page.getByTestId('log-viewer');
  await expect(viewer).toHaveAttribute('data-connected', 'true');
  await expect(page.locator('.log-terminal .xterm-rows > div', { hasText: 'ready' })).toBeVisible({ timeout: 60_000 });
  await page.evaluate(WATCH_BEHIND_MARKER);
  await expect(page.getByTestId('log-behind-marker')).toHaveCount(0);

  const before = await server.api<LogPage>('GET', `/api/deployments/${deploymentId}/logs?since=0&limit=1`);
  const stalled = page.evaluate<{ stalledMs: number; doneLineNo: number | null }>(stallUntilStored(deploymentId, before.body.lastLineNo + FLOOD_LINES - 1));
  await container!.kill({ signal: 'SIGUSR1' });
  const stall = await stalled;
  expect(stall.doneLineNo, 'the engine stored the whole flood while the page was stalled').not.toBeNull();

  // Reading again, the page meets the engine's `behind`: the marker shows, then closes once caught up.
  await expect.poll(() => page.evaluate<number>('window.__behindMarker.shown.length'), { timeout: 60_000 }).toBeGreaterThan(0);
  const shown = await page.evaluate<string>('window.__behindMarker.shown[0]');
  const gapStart = Number(/fell behind the live log at line ([\d,]+): catching up/.exec(shown)?.[1]?.replaceAll(',', ''));
  // The engine stopped pushing in the middle of the flood.
  expect(gapStart).toBeGreaterThan(before.body.lastLineNo + 1);
  expect(gapStart).toBeLessThan(stall.doneLineNo!);
  await expect(page.getByTestId('log-behind-marker')).toHaveCount(0, { timeout: 90_000 });
  expect(await page.evaluate<number>('window.__behindMarker.closed')).toBeGreaterThan(0);

  // Nothing was skipped: the viewer wrote through the last stored line, and the lines it holds run in order without a hole.
  await expect.poll(async () => Number(await viewer.getAttribute('data-written-through')), { timeout: 60_000 }).toBeGreaterThanOrEqual(stall.doneLineNo!);
  await expect(page.locator('.log-terminal .xterm-rows > div', { hasText: 'flood-done' })).toBeVisible();
  await page.getByRole('button', { name: 'Copy', exact: true }).click();
  await expect(page.getByTestId('log-status')).toContainText('Copied');
  const text = await page.evaluate<string>('navigator.clipboard.readText()');
  const numbers = [...text.matchAll(/flood-line-(\d+) /g)].map((match) => Number(match[1]));
  expect(numbers.length).toBeGreaterThan(1000);
  expect(numbers.at(-1)).toBe(FLOOD_LINES);
  expect(numbers).toEqual(Array.from({ length: numbers.length }, (_, index) => FLOOD_LINES - numbers.length + 1 + index));
});
