// BENCH chart_render: the first render of the metrics panel on 3 days of samples (CPU and memory,
// 8,640 samples each, downsampled to about one point per pixel), in Chromium against a real engine:
// from the data's arrival to the frame after the charts were committed. The baseline, in the same
// page and run, draws the same number of points as two raw SVG polylines.
import { existsSync, rmSync } from 'node:fs';
import { chromium } from '@playwright/test';
import { defaultRendererDir, startHost } from '../electron/engine/host/serve';
import { seedThreeDays } from '../e2e/monitor-seed';
import { median } from './support/stats';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
// 3d is the benchmark; other ranges (1h, 6h, 24h) help to see what the cost grows with.
const RANGE = process.env['BENCH_RANGE'] ?? '3d';

const rendererDir = defaultRendererDir();
if (!rendererDir || !existsSync(rendererDir)) {
  process.stderr.write('The renderer is not built: run `npx vite build --config vite.renderer.config.ts` first.\n');
  process.exit(1);
}

// Draws two polylines of `points` points and waits for the next frame: the floor for any chart.
const RAW_SVG = (points: number) => `new Promise((resolve) => {
  const started = performance.now();
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('width', '1200'); svg.setAttribute('height', '360');
  for (let series = 0; series < 2; series++) {
    const line = document.createElementNS('http://www.w3.org/2000/svg', 'polyline');
    let coordinates = '';
    for (let i = 0; i < ${points}; i++) coordinates += (i * 1200 / ${points}).toFixed(1) + ',' + (180 * series + 90 + 80 * Math.sin(i / 20)).toFixed(1) + ' ';
    line.setAttribute('points', coordinates); line.setAttribute('fill', 'none'); line.setAttribute('stroke', '#58a6ff');
    svg.appendChild(line);
  }
  document.body.appendChild(svg);
  svg.getBBox();
  requestAnimationFrame(() => { const elapsed = performance.now() - started; svg.remove(); resolve(elapsed); });
})`;

const seeded = seedThreeDays();
const host = await startHost({ config: { dataDir: seeded.dataDir, healthIntervalMs: 0, metricsIntervalMs: 0, retentionIntervalMs: 0 }, rendererDir });
const browser = await chromium.launch({
  executablePath: process.env['BERTH_CHROMIUM'] ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
});
try {
  const chart: number[] = [];
  const raw: number[] = [];
  let points = 0;
  for (let round = 0; round < ROUNDS; round += 1) {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.addInitScript({ content: `window.localStorage.setItem('berth.metrics.range', '${RANGE}')` });
    await page.goto(host.browserUrl);
    await page.getByRole('heading', { name: 'Berth' }).waitFor();
    await page.evaluate(`window.location.hash = '#/projects/${seeded.projectId}'`);
    await page.getByRole('tab', { name: 'Metrics' }).click();
    const panel = page.locator('[data-testid="metrics-panel"][data-render-ms]');
    await panel.waitFor({ timeout: 60_000 });
    chart.push(Number(await panel.getAttribute('data-render-ms')));
    points = Number(await panel.getAttribute('data-points'));
    raw.push(Number(await page.evaluate(RAW_SVG(points))));
    await page.close();
  }
  const chartMs = median(chart);
  const rawMs = median(raw);
  process.stdout.write(`# ${ROUNDS} rounds, ${points} points per series shown of 8640 samples; chart ${chart.join(', ')} ms; raw SVG ${raw.map((value) => value.toFixed(1)).join(', ')} ms\n`);
  process.stdout.write(`BENCH chart_render ${chartMs.toFixed(1)} ms ratio=${(chartMs / Math.max(0.1, rawMs)).toFixed(2)}\n`);
} finally {
  await browser.close();
  await host.close();
  rmSync(seeded.dataDir, { recursive: true, force: true });
}
