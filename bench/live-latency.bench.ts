// BENCH live_latency: the time from a container writing a line to the line being drawn in the log viewer,
// at 5,000 lines/s: a real container (Node, writing each line with the time it wrote it), `berth serve`
// as its own process (the runtime log follower, the writer's commit, the hub, SSE) and the browser UI in
// Chromium, where a MutationObserver on the terminal's rows (the DOM renderer) notes when each line first
// shows on screen. Lines that scroll past between two frames are never drawn, so the figure is over the
// lines that were drawn, which is every line a user can see. The baseline, in the same run and for the
// same lines, is `docker logs -f` of the same container into a pipe: the time each line reaches the
// reading process. Prints p50 and p99 of both; ratio = Berth's over the baseline's. Target: p99 ≤ 150 ms.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Dockerode from 'dockerode';
import { chromium } from '@playwright/test';
import { berthLabels } from '../electron/engine/docker/labels';
import { Store } from '../electron/engine/store/store';
import { projectSettingsSchema } from '../shared';
import { startServeProcess } from '../test/support/berth-process';

const RATE = Number(process.env['BENCH_RATE'] ?? 5000);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 12);
/** The first seconds of the flood are left out on both sides: the terminal opening and V8 compiling. */
const WARMUP_SECONDS = 2;
const docker = new Dockerode();

/** Nearest-rank percentile. */
function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

// Waits for SIGUSR1 (sent once the page shows the viewer), then writes RATE lines per second for SECONDS,
// each `lat <written at, epoch ms> <sequence> <padding>`, then idles.
const WRITER = `
const pad = 'x'.repeat(60);
process.on('SIGUSR1', () => {
  const start = Date.now();
  let seq = 0;
  const total = ${RATE} * ${SECONDS};
  const tick = setInterval(() => {
    const now = Date.now();
    const due = Math.min(total, Math.floor(((now - start) * ${RATE}) / 1000));
    let out = '';
    while (seq < due) out += 'lat ' + now + ' ' + ++seq + ' ' + pad + '\\n';
    if (out) process.stdout.write(out);
    if (seq >= total) { clearInterval(tick); console.log('lat-done'); }
  }, 1);
});
setInterval(() => {}, 1 << 30);
`;

async function nodeImage(): Promise<string> {
  // @ts-expect-error plain JS module without types
  const provision = (await import('../scripts/provision.js')) as { ensureRuntimeImages(): Record<string, string> };
  return provision.ensureRuntimeImages()['node']!;
}

const dataDir = mkdtempSync(join(tmpdir(), 'live-latency-bench-'));
let container: Dockerode.Container | undefined;
let server: Awaited<ReturnType<typeof startServeProcess>> | undefined;
const browser = await chromium.launch({
  executablePath: process.env['BERTH_CHROMIUM'] ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
});
try {
  const store = Store.open(join(dataDir, 'berth.db'));
  let projectId: string;
  try {
    const project = store.projects.create({ name: 'live latency', sourceDir: '/tmp', target: 'docker', settings: projectSettingsSchema.parse({}) });
    projectId = project.id;
    const deployment = store.deployments.create(project.id, 'docker');
    container = await docker.createContainer({
      name: `live-latency-bench-${process.pid}`,
      Image: await nodeImage(),
      Cmd: ['node', '-e', WRITER],
      Labels: berthLabels(deployment.id, project.id),
    });
    await container.start();
    store.deployments.update(deployment.id, { status: 'running', health: 'unknown', containerId: container.id, startedAt: Date.now() });
  } finally {
    store.close();
  }
  server = await startServeProcess(dataDir);

  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  // The DOM renderer, so the drawn rows can be read (headless Chromium draws WebGL in software anyway).
  await page.addInitScript({
    content: `
      window.localStorage.setItem('berth.logs.renderer', 'dom');
      window.__latency = [];
      const seen = new Set();
      const observe = () => {
        const rows = document.querySelector('.log-terminal .xterm-rows');
        if (!rows) return void setTimeout(observe, 20);
        new MutationObserver(() => {
          const drawnAt = Date.now();
          for (const row of rows.children) {
            const match = /lat (\\d+) (\\d+)/.exec(row.textContent || '');
            if (!match || seen.has(match[2])) continue;
            seen.add(match[2]);
            window.__latency.push([Number(match[2]), drawnAt - Number(match[1])]);
          }
        }).observe(rows, { childList: true, subtree: true, characterData: true });
      };
      observe();`,
  });
  await page.goto(server.browserUrl);
  await page.getByRole('heading', { name: 'Berth' }).waitFor();
  await page.evaluate(`window.location.hash = '#/projects/${projectId}'`);
  await page.locator('[data-testid="log-viewer"][data-connected="true"]').waitFor({ timeout: 60_000 });
  await page.locator('.log-terminal .xterm-rows').waitFor();

  // The baseline follows the same container from now on, into a pipe read line by line.
  const baseline: [number, number][] = [];
  const cli = spawn('docker', ['logs', '-f', '--since', '0s', container.id], { stdio: ['ignore', 'pipe', 'ignore'] });
  const cliDone = new Promise<void>((resolve) => {
    createInterface({ input: cli.stdout! }).on('line', (line) => {
      const receivedAt = Date.now();
      const match = /^lat (\d+) (\d+)/.exec(line);
      if (match) baseline.push([Number(match[2]), receivedAt - Number(match[1])]);
      else if (line === 'lat-done') resolve();
    });
  });
  await new Promise((resolve) => setTimeout(resolve, 500));
  await container.kill({ signal: 'SIGUSR1' });
  await Promise.race([cliDone, new Promise((_, reject) => setTimeout(() => reject(new Error('docker logs -f did not see the last line')), (SECONDS + 60) * 1000))]);
  cli.kill();
  await page.locator('.log-terminal .xterm-rows > div', { hasText: 'lat-done' }).waitFor({ timeout: 60_000 });
  const drawn = await page.evaluate<[number, number][]>('window.__latency');

  const steady = (samples: [number, number][]) => samples.filter(([seq]) => seq > RATE * WARMUP_SECONDS).map(([, ms]) => ms);
  const berth = steady(drawn);
  const cliMs = steady(baseline);
  if (berth.length < 100) throw new Error(`only ${berth.length} drawn lines were seen in the viewer`);
  const [berth50, berth99, cli50, cli99] = [percentile(berth, 50), percentile(berth, 99), percentile(cliMs, 50), percentile(cliMs, 99)];
  const ratio = (value: number, base: number) => (value / Math.max(1, base)).toFixed(2);
  process.stdout.write(
    `# ${RATE} lines/s for ${SECONDS} s (first ${WARMUP_SECONDS} s left out), load ${loadavg()[0]!.toFixed(1)}: ${berth.length} lines drawn in the viewer (of ${RATE * (SECONDS - WARMUP_SECONDS)}), ${cliMs.length} read from docker logs -f\n`,
  );
  process.stdout.write(`# docker logs -f (the baseline): p50 ${cli50} ms, p99 ${cli99} ms; viewer: p50 ${berth50} ms, p99 ${berth99} ms (target: p99 ≤ 150 ms)\n`);
  process.stdout.write(`BENCH live_latency_p50 ${berth50} ms ratio=${ratio(berth50, cli50)}\n`);
  process.stdout.write(`BENCH live_latency ${berth99} ms ratio=${ratio(berth99, cli99)}\n`);
} finally {
  await browser.close();
  await server?.stop();
  await container?.remove({ force: true }).catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
}
