// BENCH renderer_heap: the renderer's JS heap (after a forced GC) once 1 million log lines have
// streamed through the log viewer in Chromium. The viewer keeps a bounded window and a bounded
// scrollback, so the heap must not grow with the stream. Baseline in the same run: a bare xterm.js
// terminal with the same scrollback written the same lines. Target: at most 150 MB.
import { chromium, type Page } from '@playwright/test';
import { buildHarness } from './support/log-bench-harness';

const TOTAL = Number(process.env['BENCH_HEAP_LINES'] ?? 1_000_000);
const BATCH = 2000;
const MB = 1024 * 1024;


/** The JS heap after GC, and the array-buffer backing stores (xterm's cell buffers live there) when reported. */
async function heapAfterGc(page: Page): Promise<{ used: number; backing: number }> {
  const session = await page.context().newCDPSession(page);
  await session.send('HeapProfiler.collectGarbage');
  await session.send('HeapProfiler.collectGarbage');
  const usage = (await session.send('Runtime.getHeapUsage')) as { usedSize: number; backingStorageSize?: number };
  await session.detach();
  return { used: usage.usedSize, backing: usage.backingStorageSize ?? 0 };
}

const harness = await buildHarness();
const browser = await chromium.launch({
  executablePath: process.env['BERTH_CHROMIUM'] ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
});
try {
  const measure = async (mode: 'viewer' | 'raw') => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.setContent('<!doctype html><html><body style="margin:0;background:#0f1115"></body></html>');
    await page.addStyleTag({ content: harness.css });
    await page.addScriptTag({ content: harness.script });
    const empty = await heapAfterGc(page);
    const started = Date.now();
    const result = await page.evaluate<{ linesWritten: number }>(`window.berthLogBench.streamThrough('${mode}', ${TOTAL}, ${BATCH})`);
    const seconds = (Date.now() - started) / 1000;
    const after = await heapAfterGc(page);
    await page.close();
    return { empty, after, seconds, linesWritten: result.linesWritten };
  };
  const viewer = await measure('viewer');
  const raw = await measure('raw');
  process.stdout.write(
    `# ${TOTAL} lines in batches of ${BATCH}: viewer JS heap ${(viewer.after.used / MB).toFixed(1)} MB after (page ${(viewer.empty.used / MB).toFixed(1)} MB before; array buffers ${(viewer.after.backing / MB).toFixed(1)} MB; ${viewer.seconds.toFixed(0)} s; ${viewer.linesWritten} lines reached the terminal, the rest arrived faster than it could draw and were folded into window redraws); bare xterm.write ${(raw.after.used / MB).toFixed(1)} MB (array buffers ${(raw.after.backing / MB).toFixed(1)} MB, ${raw.seconds.toFixed(0)} s); target <= 150 MB\n`,
  );
  process.stdout.write(`BENCH renderer_heap ${(viewer.after.used / MB).toFixed(1)} MB ratio=${(viewer.after.used / raw.after.used).toFixed(2)}\n`);
} finally {
  await browser.close();
}
