// BENCH chart_render: the first render of the metrics panel on 3 days of samples (CPU and memory,
// 8,640 samples each, downsampled to about one point per two pixels, and the health-probe chart), in
// Chromium against a real engine: from the data's arrival until the last chart (the health chart,
// drawn a frame after the others) has been painted. The project window first warms recharts up while
// idle (renderer/src/metrics/chart-warm-up.tsx), as it does for a user; chart_render_cold turns that
// off: the page's very first chart. The baseline, in the same page and run, is a bare recharts render of
// the same data (renderer/src/metrics/bench-harness.tsx): the three charts with recharts' defaults, no
// animation and no dots, timed the same way, warmed up (drawn once untimed) or not alike.
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

/** One page: the panel's first render and, in the same page, the bare recharts baseline; warm or cold alike. */
async function measure(warm: boolean): Promise<{ chart: number; bare: number; points: number }> {
  // bypassCSP: the app's policy refuses inline scripts, and the baseline's harness is one.
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, bypassCSP: true });
  await page.addInitScript({ content: `window.localStorage.setItem('berth.metrics.range', '${RANGE}');${warm ? '' : "window.localStorage.setItem('berth.charts.warmUp', 'off');"}` });
  await page.goto(host.browserUrl);
  await page.getByRole('heading', { name: 'Berth' }).waitFor();
  await page.evaluate(`window.location.hash = '#/projects/${seeded.projectId}'`);
  await page.getByRole('tab', { name: 'Metrics' }).waitFor();
  // Warm: the project window has been open long enough to warm recharts up while idle (a user's first click).
  if (warm) await page.waitForFunction(() => performance.getEntriesByName('berth:charts-warm').length > 0, undefined, { timeout: 30_000 });
  await page.getByRole('tab', { name: 'Metrics' }).click();
  const panel = page.locator('[data-testid="metrics-panel"][data-render-ms]');
  await panel.waitFor({ timeout: 60_000 });
  const chart = Number(await panel.getAttribute('data-render-ms'));
  const points = Number(await panel.getAttribute('data-points'));
  const input = await sameData(Math.floor((await panel.boundingBox())!.width));
  await page.addScriptTag({ content: harness.script });
  const bare = await page.evaluate(
    ([data, warmBare]) => (window as unknown as { berthChartBench: { renderBare(input: unknown, warm: boolean): Promise<number> } }).berthChartBench.renderBare(data, warmBare),
    [input, warm] as const,
  );
  await page.close();
  return { chart, bare, points };
}

try {
  const results: Record<'warm' | 'cold', { chart: number[]; bare: number[] }> = { warm: { chart: [], bare: [] }, cold: { chart: [], bare: [] } };
  let points = 0;
  // Alternating, so load from other processes hits both alike.
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const kind of round % 2 === 0 ? (['warm', 'cold'] as const) : (['cold', 'warm'] as const)) {
      const result = await measure(kind === 'warm');
      results[kind].chart.push(result.chart);
      results[kind].bare.push(result.bare);
      points = result.points;
    }
  }
  const list = (values: readonly number[]) => values.map((value) => value.toFixed(0)).join(' ');
  process.stdout.write(`# ${ROUNDS} rounds each, ${RANGE}, ${points} points per series shown of 8640 samples; target <= 150 ms\n`);
  for (const kind of ['warm', 'cold'] as const) {
    process.stdout.write(`# ${kind}: chart ${list(results[kind].chart)} ms; bare recharts ${list(results[kind].bare)} ms\n`);
  }
  const line = (name: string, kind: 'warm' | 'cold') => {
    const chartMs = median(results[kind].chart);
    process.stdout.write(`BENCH ${name} ${chartMs.toFixed(1)} ms ratio=${(chartMs / Math.max(0.1, median(results[kind].bare))).toFixed(2)}\n`);
  };
  // As a user gets it (the window warmed recharts up while idle), and the page's very first chart.
  line('chart_render', 'warm');
  line('chart_render_cold', 'cold');
  process.stdout.write(`# load average ${loadavg().map((value) => value.toFixed(1)).join(' ')} on this machine while measuring\n`);
} finally {
  await browser.close();
  await host.close();
  rmSync(seeded.dataDir, { recursive: true, force: true });
}
