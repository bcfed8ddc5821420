// BENCH search_history: full-history search (the searchLogs request) for a rare string over 10 M
// stored lines, vs `grep -c` for the same string over the same lines in a text file. Both warm.
import { spawnSync } from 'node:child_process';
import { LogSearch } from '../electron/engine/logs/search';
import { Store } from '../electron/engine/store/store';
import { DEPLOYMENT_ID, NEEDLE, NEEDLE_LINES, TOTAL_LINES, tenMillionLines } from './support/ten-million-lines';
import { median } from './support/stats';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
const data = tenMillionLines();
if (data.generatedSeconds !== null) process.stdout.write(`# generated ${TOTAL_LINES} lines in ${data.generatedSeconds.toFixed(1)} s\n`);

function grep(pattern: string, flags: string[] = []): { ms: number; count: number } {
  const start = performance.now();
  const result = spawnSync('grep', ['-c', ...flags, pattern, data.textFile], { encoding: 'utf8' });
  const ms = performance.now() - start;
  return { ms, count: Number(result.stdout.trim()) };
}

const store = Store.open(data.databaseFile);
const search = new LogSearch(store.db);
const ours = (query: string, caseSensitive: boolean, regex = false) => {
  const start = performance.now();
  const result = search.search(DEPLOYMENT_ID, { query, regex, caseSensitive, limit: 200 });
  return { ms: performance.now() - start, hits: result.hits.length };
};

// Warm both (page cache for the text file and the database).
grep(NEEDLE);
ours(NEEDLE, false);
const times = { grep: [] as number[], ours: [] as number[], oursRegex: [] as number[], grepRegex: [] as number[] };
const ratios: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  // Plain `grep -c` (case-sensitive, the faster baseline) against our default case-insensitive search.
  const byGrep = grep(NEEDLE);
  const byUs = ours(NEEDLE, false);
  if (byGrep.count !== NEEDLE_LINES.length || byUs.hits !== NEEDLE_LINES.length) throw new Error(`expected ${NEEDLE_LINES.length} matches, grep ${byGrep.count}, berth ${byUs.hits}`);
  times.grep.push(byGrep.ms);
  times.ours.push(byUs.ms);
  ratios.push(byUs.ms / byGrep.ms);
}
// A regex with a required literal goes through the index too; one without falls back to a scan (reported, not the target).
const regex = ours(`request ${NEEDLE} failed: \\w+ timeout`, true, true);
const grepRegex = grep(`request ${NEEDLE} failed: [a-z]* timeout`, ['-E']);
store.close();
process.stdout.write(
  `# ${TOTAL_LINES} lines, ${NEEDLE_LINES.length} matches, medians of ${ROUNDS}: berth search ${median(times.ours).toFixed(1)} ms, grep -c ${median(times.grep).toFixed(1)} ms; ` +
    `regex: berth ${regex.ms.toFixed(1)} ms, grep -c -E ${grepRegex.ms.toFixed(1)} ms\n`,
);
process.stdout.write(`BENCH search_history ${median(times.ours).toFixed(1)} ms ratio=${median(ratios).toFixed(2)}\n`);
