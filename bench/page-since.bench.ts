// BENCH page_since: p99 latency of `since`/`limit=500` (the GET /logs page, as LogLines) at 10 M
// stored lines, vs the same SQL read raw with better-sqlite3 (no mapping) in the same run.
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
const starts = Array.from({ length: QUERIES }, () => Math.floor(random() * TOTAL_LINES));

const store = Store.open(data.databaseFile);
const raw = new BetterSqlite3(data.databaseFile, { readonly: true });
const rawPage = raw.prepare('SELECT * FROM log_lines WHERE deployment_id = ? AND line_no > ? ORDER BY line_no LIMIT ?').raw();
const times = { ours: [] as number[], raw: [] as number[] };
for (const since of starts) {
  let start = performance.now();
  const page = store.logLines.since(DEPLOYMENT_ID, since, 500);
  times.ours.push(performance.now() - start);
  if (page.length !== Math.min(500, TOTAL_LINES - since) || (page[0] && page[0].lineNo !== since + 1)) throw new Error(`wrong page after ${since}`);
  start = performance.now();
  rawPage.all(DEPLOYMENT_ID, since, 500);
  times.raw.push(performance.now() - start);
}
store.close();
raw.close();
process.stdout.write(
  `# ${QUERIES} random pages of 500 at ${TOTAL_LINES} lines: getLogs p50 ${percentile(times.ours, 0.5).toFixed(2)} ms p99 ${p99(times.ours).toFixed(2)} ms; ` +
    `raw SQL p50 ${percentile(times.raw, 0.5).toFixed(2)} ms p99 ${p99(times.raw).toFixed(2)} ms (target p99 ≤ 5 ms)\n`,
);
process.stdout.write(`BENCH page_since ${p99(times.ours).toFixed(2)} ms ratio=${(p99(times.ours) / p99(times.raw)).toFixed(2)}\n`);
