// BENCH filter_history: filter mode over 10 M stored lines (the getLogs?filter= and logs/count requests'
// engine work), each against grep over the same lines in a text file, both warm, in the same run.
// - first page: the first 500 lines a regex keeps when it matches about 1% of lines, vs `grep -m 500 -E`;
// - rare: the whole-history count of a regex matching 0.001% of lines, vs `grep -c -E`.
import { LogFilter } from '../electron/engine/logs/log-filter';
import { Store } from '../electron/engine/store/store';
import { DEPLOYMENT_ID, RARE_PATTERN, TOTAL_LINES, rareLineCount, tenMillionLines } from './support/ten-million-lines';
import { median } from './support/stats';
import { CommandTimer } from './support/command-timer';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
/** status=500 is on 2% of the lines; half of those took 0–499 ms (`took 0ms` and `took 100ms`…`took 450ms`). */
const COMMON_PATTERN = 'status=500 bytes=\\d+ took [0-4]\\d*ms';
/** The same for grep: GNU grep -E has \w but no \d. */
const GREP_COMMON_PATTERN = 'status=500 bytes=[0-9]+ took [0-4][0-9]*ms';
const PAGE = 500;
const WARM_PAGES = 5;

const data = tenMillionLines();
if (data.generatedSeconds !== null) process.stdout.write(`# generated ${TOTAL_LINES} lines in ${data.generatedSeconds.toFixed(1)} s\n`);

// grep is started and timed by a child process: see support/command-timer.ts for why this one never forks.
const timer = new CommandTimer();
const grep = (flags: string[], pattern: string) => timer.run('grep', [...flags, '-E', pattern, data.textFile]);

const store = Store.open(data.databaseFile);
const filter = new LogFilter(store.db);
const options = { regex: true, caseSensitive: true, exclude: false, context: 0 };

function firstPage(): { ms: number; lineNos: number[] } {
  const start = performance.now();
  const page = filter.page(DEPLOYMENT_ID, { ...options, query: COMMON_PATTERN, since: 0, limit: PAGE });
  return { ms: performance.now() - start, lineNos: page.matches };
}

/** The whole history: count requests from since=0 until one is not truncated (one, when the index skips). */
function rareCount(): { ms: number; matches: number; requests: number } {
  const start = performance.now();
  let matches = 0;
  let since = 0;
  let requests = 0;
  for (;;) {
    const count = filter.count(DEPLOYMENT_ID, { ...options, query: RARE_PATTERN, since });
    requests++;
    matches += count.matches;
    since = count.scannedTo;
    if (!count.truncated) break;
  }
  return { ms: performance.now() - start, matches, requests };
}

// Warm both (page cache for the text file and the database; on our side also the JIT and the RE2 program's
// caches, which take a few pages to fill) and check they agree.
const expectedPage = await grep(['-n', '-m', String(PAGE)], GREP_COMMON_PATTERN);
const grepLineNos = expectedPage.stdout.trim().split('\n').map((line) => Number(line.slice(0, line.indexOf(':'))));
const ours = firstPage();
if (ours.lineNos.join() !== grepLineNos.join()) throw new Error(`first page differs: berth ${ours.lineNos.length} lines from ${ours.lineNos[0]}, grep ${grepLineNos.length} from ${grepLineNos[0]}`);
for (let round = 0; round < WARM_PAGES; round++) firstPage();
const expectedRare = rareLineCount();
await grep(['-c'], RARE_PATTERN);
rareCount();

const times = { page: [] as number[], grepPage: [] as number[], rare: [] as number[], grepRare: [] as number[] };
const ratios = { page: [] as number[], rare: [] as number[] };
let requests = 0;
// The two measurements one after the other, each alternating with its grep: the rare count's garbage (20 MB of
// index bitsets a round) would otherwise be collected in the middle of the next round's first page.
for (let round = 0; round < ROUNDS; round++) {
  const byGrep = await grep(['-m', String(PAGE)], GREP_COMMON_PATTERN);
  const byUs = firstPage();
  if (byUs.lineNos.length !== PAGE || byGrep.stdout.split('\n').length !== PAGE + 1) throw new Error(`first page: berth ${byUs.lineNos.length} lines, grep ${byGrep.stdout.split('\n').length - 1}`);
  times.grepPage.push(byGrep.ms);
  times.page.push(byUs.ms);
  ratios.page.push(byUs.ms / byGrep.ms);
}
for (let round = 0; round < ROUNDS; round++) {
  const rareByGrep = await grep(['-c'], RARE_PATTERN);
  const rareByUs = rareCount();
  if (Number(rareByGrep.stdout.trim()) !== expectedRare || rareByUs.matches !== expectedRare) throw new Error(`expected ${expectedRare} rare lines, grep ${rareByGrep.stdout.trim()}, berth ${rareByUs.matches}`);
  requests = rareByUs.requests;
  times.grepRare.push(rareByGrep.ms);
  times.rare.push(rareByUs.ms);
  ratios.rare.push(rareByUs.ms / rareByGrep.ms);
}
store.close();
timer.close();
const list = (values: number[]) => values.map((value) => value.toFixed(1)).join(' ');
process.stdout.write(
  `# ${TOTAL_LINES} lines, medians of ${ROUNDS}. first page (${PAGE} of ${COMMON_PATTERN}, ~0.9% of lines, the 500th at line ${grepLineNos.at(-1)}): ` +
    `berth ${median(times.page).toFixed(1)} ms [${list(times.page)}], grep -m ${PAGE} -E ${median(times.grepPage).toFixed(1)} ms [${list(times.grepPage)}]\n` +
    `# rare (${expectedRare} lines of ${RARE_PATTERN}, ${requests} count request(s)): berth ${median(times.rare).toFixed(1)} ms [${list(times.rare)}], grep -c -E ${median(times.grepRare).toFixed(1)} ms [${list(times.grepRare)}]\n`,
);
process.stdout.write(`BENCH filter_history_first_page ${median(times.page).toFixed(1)} ms ratio=${median(ratios.page).toFixed(2)}\n`);
process.stdout.write(`BENCH filter_history_rare ${median(times.rare).toFixed(1)} ms ratio=${median(ratios.rare).toFixed(2)}\n`);
