// BENCH chart_render: the first render of the metrics panel on 3 days of samples (CPU and memory,
// 8,640 samples each, downsampled to about one point per two pixels, and the health-probe chart), in
// Chromium against a real engine: from the data's arrival to the frame after the last chart (the
// health chart, drawn a frame after the others) was committed. The baseline, in the same page and
// run, is a bare recharts render of the same data (renderer/src/metrics/bench-harness.tsx): the three
// charts with recharts' defaults, no animation and no dots, timed the same way.
import { existsSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { chromium } from '@playwright/test';
import { defaultRendererDir, startHost } from '../electron/engine/host/serve';
import { seedThreeDays } from '../e2e/monitor-seed';
import { pointsForWidth } from '../renderer/src/metrics/chart-data';
import { median } from './support/stats';
import { bundlePageScript } from './support/page-script';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 7);
// 3d is the benchmark; other ranges (1h, 6h, 24h) help to see what the cost grows with.
const RANGE = process.env['BENCH_RANGE'] ?? '3d';
const RANGE_MS: Record<string, number> = { '1h': 3_600_000, '6h': 6 * 3_600_000, '24h': 86_400_000, '3d': 3 * 86_400_000 };

const rendererDir = defaultRendererDir();
if (!rendererDir || !existsSync(rendererDir)) {
  process.stderr.write('The renderer is not built: run `npx vite build --config vite.renderer.config.ts` first.\n');
  process.exit(1);
}

const harness = await bundlePageScript('renderer/src/metrics/bench-harness.tsx', 'berthChartBenchBundle');
const seeded = seedThreeDays();
const host = await startHost({ config: { dataDir: seeded.dataDir, healthIntervalMs: 0, metricsIntervalMs: 0, retentionIntervalMs: 0 }, rendererDir });
const browser = await chromium.launch({
  executablePath: process.env['BERTH_CHROMIUM'] ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
});

/** The data the panel asked for, fetched the same way, for the baseline. */
async function sameData(width: number): Promise<unknown> {
  const to = Date.now();
  const from = to - RANGE_MS[RANGE]!;
  const range = `from=${encodeURIComponent(new Date(from).toISOString())}&to=${encodeURIComponent(new Date(to).toISOString())}`;
  const get = async (path: string) => {
    const response = await fetch(`${host.http.url}${path}`, { headers: { authorization: `Bearer ${host.http.token}` } });
    return response.json();
  };
  const [metrics, probes] = await Promise.all([get(`/api/deployments/${seeded.deploymentId}/metrics?${range}&points=${pointsForWidth(width)}`), get(`/api/deployments/${seeded.deploymentId}/health-probes?${range}`)]);
  return { width, from, to, metrics, probes };
}

try {
  const chart: number[] = [];
  const bare: number[] = [];
  let points = 0;
  for (let round = 0; round < ROUNDS; round += 1) {
    // bypassCSP: the app's policy refuses inline scripts, and the baseline's harness is one.
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, bypassCSP: true });
    await page.addInitScript({ content: `window.localStorage.setItem('berth.metrics.range', '${RANGE}')` });
    await page.goto(host.browserUrl);
    await page.getByRole('heading', { name: 'Berth' }).waitFor();
    await page.evaluate(`window.location.hash = '#/projects/${seeded.projectId}'`);
    await page.getByRole('tab', { name: 'Metrics' }).click();
    const panel = page.locator('[data-testid="metrics-panel"][data-render-ms]');
    await panel.waitFor({ timeout: 60_000 });
    chart.push(Number(await panel.getAttribute('data-render-ms')));
    points = Number(await panel.getAttribute('data-points'));
    const width = Math.floor((await panel.boundingBox())!.width);
    const input = await sameData(width);
    await page.addScriptTag({ content: harness.script });
    bare.push(await page.evaluate((data) => (window as unknown as { berthChartBench: { renderBare(input: unknown): Promise<number> } }).berthChartBench.renderBare(data), input));
    await page.close();
  }
  const chartMs = median(chart);
  const bareMs = median(bare);
  process.stdout.write(`# ${ROUNDS} rounds, ${RANGE}, ${points} points per series shown of 8640 samples; chart ${chart.join(', ')} ms; bare recharts ${bare.map((value) => value.toFixed(1)).join(', ')} ms; target <= 150 ms\n`);
  process.stdout.write(`BENCH chart_render ${chartMs.toFixed(1)} ms ratio=${(chartMs / Math.max(0.1, bareMs)).toFixed(2)}\n`);
  process.stdout.write(`# load average ${loadavg().map((value) => value.toFixed(1)).join(' ')} on this machine while measuring\n`);
} finally {
  await browser.close();
  await host.close();
  rmSync(seeded.dataDir, { recursive: true, force: true });
}
