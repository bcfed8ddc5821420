// BENCH page_since: p99 latency of `since`/`limit=500` (the GET /logs page, as LogLines) at 10 M
// stored lines, vs the same SQL read raw with better-sqlite3 (no mapping) in the same run.
//
// The page cache decides these numbers more than the query does, so the bench sets it rather than
// taking whatever the machine left: `page_since` has the database file in the page cache (as it is
// for an app that has been writing it), `page_since_cold` starts from dropped caches (needs root; it
// says so when it cannot). The two readers take turns going first, so cold reads fall on both alike.
import { closeSync, openSync, readSync, writeFileSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { Store } from '../electron/engine/store/store';
import { DEPLOYMENT_ID, TOTAL_LINES, tenMillionLines } from './support/ten-million-lines';

const QUERIES = Number(process.env['BENCH_QUERIES'] ?? 2000);
const data = tenMillionLines();
if (data.generatedSeconds !== null) process.stdout.write(`# generated ${TOTAL_LINES} lines in ${data.generatedSeconds.toFixed(1)} s\n`);

const percentile = (values: number[], share: number): number => [...values].sort((a, b) => a - b)[Math.ceil(values.length * share) - 1]!;
const p99 = (values: number[]): number => percentile(values, 0.99);
let seed = 42;
const random = (): number => ((seed = Math.imul(seed, 1_103_515_245) + 12_345) >>> 0) / 2 ** 32;

/** Reads the database file once, so its pages are in the page cache. */
function warmPageCache(file: string): void {
  const fd = openSync(file, 'r');
  const buffer = Buffer.allocUnsafe(8 << 20);
  try {
    while (readSync(fd, buffer, 0, buffer.length, null) > 0);
  } finally {
    closeSync(fd);
  }
}

/** Empties the page cache; false when this process may not (not root). */
function dropPageCache(): boolean {
  try {
    writeFileSync('/proc/sys/vm/drop_caches', '3');
    return true;
  } catch {
    return false;
  }
}

function measure(name: string, label: string): void {
  const starts = Array.from({ length: QUERIES }, () => Math.floor(random() * TOTAL_LINES));
  const store = Store.open(data.databaseFile);
  const raw = new BetterSqlite3(data.databaseFile, { readonly: true });
  const rawPage = raw.prepare('SELECT * FROM log_lines WHERE deployment_id = ? AND line_no > ? ORDER BY line_no LIMIT ?').raw();
  const times = { ours: [] as number[], raw: [] as number[] };
  const ours = (since: number): void => {
    const start = performance.now();
    const page = store.logLines.since(DEPLOYMENT_ID, since, 500);
    times.ours.push(performance.now() - start);
    if (page.length !== Math.min(500, TOTAL_LINES - since) || (page[0] && page[0].lineNo !== since + 1)) throw new Error(`wrong page after ${since}`);
  };
  const theirs = (since: number): void => {
    const start = performance.now();
    rawPage.all(DEPLOYMENT_ID, since, 500);
    times.raw.push(performance.now() - start);
  };
  starts.forEach((since, index) => {
    if (index % 2 === 0) {
      ours(since);
      theirs(since);
    } else {
      theirs(since);
      ours(since);
    }
  });
  store.close();
  raw.close();
  process.stdout.write(
    `# ${label}: ${QUERIES} random pages of 500 at ${TOTAL_LINES} lines: getLogs p50 ${percentile(times.ours, 0.5).toFixed(2)} ms p99 ${p99(times.ours).toFixed(2)} ms; ` +
      `raw SQL p50 ${percentile(times.raw, 0.5).toFixed(2)} ms p99 ${p99(times.raw).toFixed(2)} ms\n`,
  );
  process.stdout.write(`BENCH ${name} ${p99(times.ours).toFixed(2)} ms ratio=${(p99(times.ours) / p99(times.raw)).toFixed(2)}\n`);
}

warmPageCache(data.databaseFile);
measure('page_since', 'database in the page cache (target p99 ≤ 5 ms)');
if (dropPageCache()) measure('page_since_cold', 'page cache dropped first (reported, no target)');
else process.stdout.write('# page_since_cold not measured: emptying the page cache needs root (/proc/sys/vm/drop_caches)\n');
