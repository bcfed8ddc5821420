// A deployment with 10 million stored lines (through the real LogWriter, so the search index is the
// production one) plus the same lines in a text file for grep. Generated once into the temp dir
// and reused by later runs; BENCH_FRESH=1 regenerates.
import { closeSync, existsSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LineSliceIndexer } from '../../electron/engine/logs/line-slice-indexer';
import { LogWriter } from '../../electron/engine/logs/log-writer';
import { Store } from '../../electron/engine/store/store';

export const TOTAL_LINES = Number(process.env['BENCH_TOTAL_LINES'] ?? 10_000_000);
export const DEPLOYMENT_ID = 'bench-10m';
/** A string that occurs on exactly three lines, far apart. */
export const NEEDLE = 'req-7f3a9c41e2';
export const NEEDLE_LINES = [1_234_567, Math.floor(TOTAL_LINES * 0.76), TOTAL_LINES - 17].filter((lineNo) => lineNo <= TOTAL_LINES);

/** A rare error on one line in 100,000 (0.001%): what a filter for a rare failure finds (bench/filter-history.bench.ts). */
export const RARE_EVERY = 100_000;
export const RARE_PATTERN = 'payment pay-[0-9a-f]+ declined: card_\\w+';
export const rareLineCount = (): number => Math.floor((TOTAL_LINES + RARE_EVERY / 2) / RARE_EVERY);

const paths = ['/api/items', '/api/users', '/health', '/api/orders/checkout', '/static/app.js', '/api/search'];
const levels = ['INFO', 'INFO', 'INFO', 'DEBUG', 'WARN', 'ERROR'];

/** The line text for a lineNo: varied like real access/app logs, deterministic. */
export function lineText(lineNo: number): string {
  if (NEEDLE_LINES.includes(lineNo)) return `2026-01-01T00:00:00Z ERROR request ${NEEDLE} failed: upstream timeout after 30000ms`;
  const hash = Math.imul(lineNo, 2_654_435_761) >>> 0;
  if (lineNo % RARE_EVERY === RARE_EVERY / 2) return `2026-01-01T00:00:00Z ERROR payment pay-${hash.toString(16)} declined: card_expired (attempt ${(hash % 3) + 1})`;
  return `2026-01-01T${String((lineNo >> 12) % 24).padStart(2, '0')}:${String((lineNo >> 6) % 60).padStart(2, '0')}:${String(lineNo % 60).padStart(2, '0')}Z ${levels[hash % 6]} worker-${hash % 8} GET ${paths[(hash >> 3) % 6]}/${hash % 100_000} status=${hash % 50 === 0 ? 500 : 200} bytes=${hash % 65_536} took ${hash % 1000}ms`;
}

export interface TenMillion {
  readonly dir: string;
  readonly databaseFile: string;
  readonly textFile: string;
  readonly generatedSeconds: number | null;
}

export function tenMillionLines(): TenMillion {
  // v2: with the rare payment lines; v3: search blocks know whether a line holds a NUL (migration 013), which
  // a v2 database, migrated, does not; v4/v5: full blocks have line slices (migration 014; v5 with `sliced`). Caches of earlier
  // versions are left alone and regenerated here.
  const dir = join(tmpdir(), `berth-bench-${TOTAL_LINES}-v5`);
  const databaseFile = join(dir, 'berth.db');
  const textFile = join(dir, 'lines.txt');
  const done = join(dir, 'complete');
  if (existsSync(done) && process.env['BENCH_FRESH'] !== '1') return { dir, databaseFile, textFile, generatedSeconds: null };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const start = performance.now();
  const store = Store.open(databaseFile);
  const writer = new LogWriter(store, { maxBatchLines: 20_000, maxDelayMs: 60_000 });
  const text = openSync(textFile, 'w');
  let chunk: string[] = [];
  const baseTs = Date.UTC(2026, 0, 1);
  for (let lineNo = 1; lineNo <= TOTAL_LINES; lineNo++) {
    const line = lineText(lineNo);
    writer.append(DEPLOYMENT_ID, { stream: lineNo % 7 === 0 ? 'stderr' : 'stdout', source: 'runtime', text: line, ts: baseTs + Math.floor(lineNo / 50) });
    chunk.push(line);
    if (chunk.length === 20_000) {
      writeSync(text, `${chunk.join('\n')}\n`);
      chunk = [];
    }
  }
  if (chunk.length > 0) writeSync(text, `${chunk.join('\n')}\n`);
  closeSync(text);
  // What the engine's slice indexer does while the writer is idle, here all at once.
  const slices = new LineSliceIndexer(store, writer);
  writer.close();
  slices.indexAll();
  slices.stop();
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  store.close();
  closeSync(openSync(done, 'w'));
  return { dir, databaseFile, textFile, generatedSeconds: (performance.now() - start) / 1000 };
}
