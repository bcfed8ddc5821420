// BENCH ingest_store: lines/s through the LogWriter (lineNo, batching, search index, publish after
// commit) vs raw better-sqlite3 batched inserts of the same rows into the same schema.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { LogWriter } from '../electron/engine/logs/log-writer';
import { openDatabase } from '../electron/engine/store/database';
import { Store } from '../electron/engine/store/store';
import { makeTempDir } from '../test/support/temp-dir';
import { median } from './support/stats';

const LINES = Number(process.env['BENCH_LINES'] ?? 100_000);
const BATCH = 1000;
const texts = Array.from({ length: 4096 }, (_, index) => `2026-01-01T00:00:${String(index % 60).padStart(2, '0')}Z INFO request id=${(index * 7919) % 1_000_003} GET /api/items/${index % 977} status=200 took ${index % 300}ms`);
const temp = makeTempDir('bench-ingest-store-');
// BENCH_SERVICES=3: the writer's lines come from a Compose stack's services, round robin (docs/architecture.md, "Service-aware logs").
const SERVICES = Array.from({ length: Number(process.env['BENCH_SERVICES'] ?? 0) }, (_, index) => ['web', 'worker', 'redis'][index] ?? `service-${index}`);

function raw(file: string): number {
  const db = openDatabase(file);
  const insert = db.prepare('INSERT INTO log_lines (deployment_id, line_no, ts, stream, source, run_id, step, text, cut, raw) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const batch = db.transaction((from: number, to: number, now: number) => {
    for (let lineNo = from; lineNo < to; lineNo++) insert.run('bench', lineNo, now, lineNo % 2, 1, null, null, texts[lineNo % texts.length]!, 0, null);
  });
  const start = performance.now();
  for (let from = 1; from <= LINES; from += BATCH) batch(from, Math.min(from + BATCH, LINES + 1), Date.now());
  const seconds = (performance.now() - start) / 1000;
  db.close();
  return LINES / seconds;
}

function writer(file: string): number {
  const store = Store.open(file);
  const logs = new LogWriter(store);
  let published = 0;
  logs.onCommit((_deploymentId, lines) => void (published += lines.length));
  const start = performance.now();
  for (let index = 1; index <= LINES; index++) logs.append('bench', { stream: index % 2 ? 'stderr' : 'stdout', source: 'runtime', text: texts[index % texts.length]!, service: SERVICES.length > 0 ? SERVICES[index % SERVICES.length] : null });
  logs.flush();
  const seconds = (performance.now() - start) / 1000;
  if (published !== LINES) throw new Error(`published ${published} of ${LINES}`);
  logs.close();
  store.close();
  return LINES / seconds;
}

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 7);
const rates = { raw: [] as number[], writer: [] as number[] };
const ratios: number[] = [];
// Adjacent pairs, alternating order, so a busy moment on a shared machine hits both sides alike.
for (let round = 0; round < ROUNDS; round++) {
  const order = round % 2 === 0 ? (['raw', 'writer'] as const) : (['writer', 'raw'] as const);
  const rate: Record<'raw' | 'writer', number> = { raw: 0, writer: 0 };
  for (const kind of order) {
    const file = join(temp.dir, `${kind}-${round}.db`);
    rate[kind] = kind === 'raw' ? raw(file) : writer(file);
    rmSync(file, { force: true });
    rmSync(`${file}-wal`, { force: true });
    rmSync(`${file}-shm`, { force: true });
  }
  rates.raw.push(rate.raw);
  rates.writer.push(rate.writer);
  ratios.push(rate.writer / rate.raw);
}
temp.cleanup();
process.stdout.write(`# raw better-sqlite3 ${Math.round(median(rates.raw))} lines/s, writer ${Math.round(median(rates.writer))} lines/s (medians of ${ROUNDS} pairs of ${LINES} lines); ratios ${ratios.map((ratio) => ratio.toFixed(2)).join(' ')}\n`);
process.stdout.write(`BENCH ingest_store ${Math.round(median(rates.writer))} lines/s ratio=${median(ratios).toFixed(2)}\n`);
