// BENCH render: lines per second the log viewer shows in Chromium (stream colours, error
// highlighting, step grouping, the bounded window, one xterm write per frame) against raw
// `xterm.write` of the same lines (same LogLine batches, a terminal of the same font and size, the same
// xterm renderer) in the same run, fresh page per measurement, alternating pairs. Also the longest main-thread task while
// 20,000 lines/s stream in steadily (the worst of three 5 s runs, each after a first second reported
// apart: that is when the terminal opens and V8 compiles xterm, for the bare terminal as much as for
// the viewer), from PerformanceObserver longtask (which reports only tasks over 50 ms; 0 means none was
// that long).
import { loadavg } from 'node:os';
import { chromium } from '@playwright/test';
import { buildHarness } from './support/log-bench-harness';
import { median } from './support/stats';

const TOTAL = Number(process.env['BENCH_RENDER_LINES'] ?? 100_000);
const BATCH = 1000;
const RATE = 20_000;
/** The longest-task runs: the stream's first second is reported apart from the steady seconds after it. */
const WARMUP_SECONDS = 1;
const STEADY_SECONDS = 5;
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 15);
// The DOM renderer in both. The viewer prefers WebGL, but headless Chromium here draws WebGL in software
// (SwiftShader): about 24k lines/s for both sides, with 260–310 ms tasks, which says nothing about a real
// GPU. BENCH_RENDERER=webgl measures it anyway.
const RENDERER = process.env['BENCH_RENDERER'] === 'webgl' ? 'webgl' : 'dom';
let renderer = RENDERER;

const harness = await buildHarness();
const browser = await chromium.launch({
  executablePath: process.env['BERTH_CHROMIUM'] ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
});
const newPage = async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.setContent('<!doctype html><html><body style="margin:0;background:#0f1115"></body></html>');
  await page.addStyleTag({ content: harness.css });
  await page.addScriptTag({ content: harness.script });
  renderer = await page.evaluate<string>(`window.berthLogBench.useRenderer('${RENDERER}')`);
  return page;
};
const measure = async (mode: 'viewer' | 'raw') => {
  const page = await newPage();
  // Let the previous page's renderer process finish closing: on 2 cores its teardown otherwise lands
  // inside this measurement, on one side of the pair only.
  await page.waitForTimeout(500);
  const result = await page.evaluate<{ linesPerSecond: number; shown: number }>(`window.berthLogBench.${mode}Throughput(${TOTAL}, ${BATCH})`);
  await page.close();
  return result;
};
try {
  // Alternating pairs, each in a fresh page, so load from other processes hits both sides alike.
  const viewerRates: number[] = [];
  const rawRates: number[] = [];
  const ratios: number[] = [];
  let shown = 0;
  for (let round = 0; round < ROUNDS; round += 1) {
    const first = round % 2 === 0 ? 'viewer' : 'raw';
    const a = await measure(first);
    const b = await measure(first === 'viewer' ? 'raw' : 'viewer');
    const viewer = first === 'viewer' ? a : b;
    const raw = first === 'viewer' ? b : a;
    viewerRates.push(viewer.linesPerSecond);
    rawRates.push(raw.linesPerSecond);
    ratios.push(viewer.linesPerSecond / raw.linesPerSecond);
    shown = viewer.shown;
  }

  type Tasks = { longestMs: number; longTasks: number; warmupLongestMs: number; warmupLongTasks: number };
  const longest = async (mode: 'viewer' | 'raw'): Promise<Tasks> => {
    const page = await newPage();
    await page.waitForTimeout(500);
    const result = await page.evaluate<Tasks>(`window.berthLogBench.longestTask('${mode}', ${RATE}, ${STEADY_SECONDS}, ${WARMUP_SECONDS})`);
    await page.close();
    return result;
  };
  // Three runs each, alternating; the worst steady-state task of all three counts.
  const runs: Record<'viewer' | 'raw', Tasks>[] = [];
  for (let run = 0; run < 3; run += 1) {
    const result: Partial<Record<'viewer' | 'raw', Tasks>> = {};
    for (const side of run % 2 === 0 ? (['viewer', 'raw'] as const) : (['raw', 'viewer'] as const)) result[side] = await longest(side);
    runs.push(result as Record<'viewer' | 'raw', Tasks>);
  }
  const worst = (side: 'viewer' | 'raw', key: 'longestMs' | 'warmupLongestMs'): number => Math.max(...runs.map((run) => run[side][key]));
  const count = (side: 'viewer' | 'raw', key: 'longTasks' | 'warmupLongTasks'): number => runs.reduce((sum, run) => sum + run[side][key], 0);
  const viewerTasks = { longestMs: worst('viewer', 'longestMs'), longTasks: count('viewer', 'longTasks') };
  const rawTasks = { longestMs: worst('raw', 'longestMs'), longTasks: count('raw', 'longTasks') };

  process.stdout.write(`# ${TOTAL} lines in batches of ${BATCH}, ${ROUNDS} alternating pairs; the viewer showed ${shown} of them in its last round; ${renderer} renderer in both\n`);
  process.stdout.write(`# viewer ${median(viewerRates).toFixed(0)} lines/s, raw xterm.write ${median(rawRates).toFixed(0)} lines/s (medians); ratio is the median of per-pair ratios (${ratios.map((value) => value.toFixed(2)).join(' ')}); target ratio >= 0.8\n`);
  process.stdout.write(`# per pair, thousand lines/s: viewer ${viewerRates.map((value) => (value / 1000).toFixed(0)).join(' ')}; raw ${rawRates.map((value) => (value / 1000).toFixed(0)).join(' ')}\n`);
  process.stdout.write(`BENCH render ${median(viewerRates).toFixed(0)} lines/s ratio=${median(ratios).toFixed(2)}\n`);
  process.stdout.write(`# load average ${loadavg().map((value) => value.toFixed(1)).join(' ')} on this machine while measuring (tasks are cut by the OS scheduler under load)\n`);
  process.stdout.write(
    `# at ${RATE} lines/s, 3 runs each: first ${WARMUP_SECONDS} s (terminal opening, V8 still compiling xterm) viewer ${count('viewer', 'warmupLongTasks')} task(s) over 50 ms, longest ${worst('viewer', 'warmupLongestMs').toFixed(0)} ms; raw ${count('raw', 'warmupLongTasks')}, longest ${worst('raw', 'warmupLongestMs').toFixed(0)} ms\n`,
  );
  process.stdout.write(`# the ${STEADY_SECONDS} s after that: viewer ${viewerTasks.longTasks} task(s) over 50 ms, raw ${rawTasks.longTasks}; target <= 50 ms\n`);
  const rawLongest = rawTasks.longestMs;
  process.stdout.write(`BENCH render_longest_task ${viewerTasks.longestMs.toFixed(0)} ms ratio=${rawLongest > 0 ? (viewerTasks.longestMs / rawLongest).toFixed(2) : 'n/a'}\n`);
} finally {
  await browser.close();
}
