import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { LineSliceIndexer } from '../../../electron/engine/logs/line-slice-indexer';
import { LogFilter } from '../../../electron/engine/logs/log-filter';
import { LogWriter } from '../../../electron/engine/logs/log-writer';
import { LogSearch } from '../../../electron/engine/logs/search';
import { migrate } from '../../../electron/engine/store/database';
import { LogEvictor } from '../../../electron/engine/store/log-budget';
import { searchIndexPruner } from '../../../electron/engine/store/log-lines';
import { MIGRATIONS } from '../../../electron/engine/store/migrations';
import {
  blockOfLine,
  indexText,
  LINE_SIGNATURE_WORDS,
  LINE_SLICE_BYTES,
  LINE_SLICES,
  linesInAllSlices,
  requiredBits,
  requiredSlices,
  SEARCH_BLOCK_BYTES,
  SEARCH_BLOCK_LINES,
  signLine,
  sliceMajor,
} from '../../../electron/engine/store/search-index';
import { Store } from '../../../electron/engine/store/store';
import { logFixture } from './fixture';
import { startTestHost } from '../../support/host';

const base = { query: '', regex: false, caseSensitive: false, exclude: false, context: 0, since: 0, limit: 500 };
const text = (lineNo: number): string => `GET /api/items/${lineNo % 97} 200 in ${lineNo % 13}ms`;

/** Blocks of deployment `d` that have line slices, and how many rows each. */
function slicedBlocks(store: Store): [blockNo: number, rows: number][] {
  return store.db.prepare("SELECT block_no, COUNT(*) FROM log_line_slices WHERE deployment_id = 'd' GROUP BY block_no ORDER BY block_no").raw().all() as [number, number][];
}

describe('line slices (search-index.ts)', () => {
  it('sliceMajor turns line signatures into slices: bit l of slice s is bit s of line l', () => {
    let seed = 7;
    const next = () => (seed = (Math.imul(seed, 1_103_515_245) + 12_345) | 0);
    const signatures = Int32Array.from({ length: SEARCH_BLOCK_LINES * LINE_SIGNATURE_WORDS }, next);
    const slices = sliceMajor(signatures);
    expect(slices.length).toBe(LINE_SLICES * LINE_SLICE_BYTES);
    for (let probe = 0; probe < 5000; probe++) {
      const line = (next() >>> 0) % SEARCH_BLOCK_LINES;
      const slice = (next() >>> 0) % LINE_SLICES;
      const inSignature = (signatures[line * LINE_SIGNATURE_WORDS + (slice >>> 5)]! >>> (slice & 31)) & 1;
      const inSlice = (slices[slice * LINE_SLICE_BYTES + (line >>> 3)]! >>> (line & 7)) & 1;
      expect({ line, slice, bit: inSlice }).toEqual({ line, slice, bit: inSignature });
    }
  });

  it('a line holding a literal is in every slice the literal needs, with either case; lines are listed within [from, to]', () => {
    const texts = ['payment pay-3f declined: card_expired', 'PAYMENT PAY-3F DECLINED', 'GET /health 200', 'paymen t pay'];
    const signatures = new Int32Array(SEARCH_BLOCK_LINES * LINE_SIGNATURE_WORDS);
    texts.forEach((line, index) => signLine(signatures, (index * 1000 + 5) * LINE_SIGNATURE_WORDS, line));
    const slices = sliceMajor(signatures);
    const sliceOf = (number: number) => slices.subarray(number * LINE_SLICE_BYTES, (number + 1) * LINE_SLICE_BYTES);
    const wanted = requiredSlices(requiredBits('payment pay-', false)!).map(sliceOf);
    // Block 2: its lineNos start at 8193. Lines 0 and 1 hold the literal (in some case); line 3 only its letters.
    const first = 2 * SEARCH_BLOCK_LINES + 1;
    expect(linesInAllSlices(wanted, 2, first, first + SEARCH_BLOCK_LINES - 1)).toEqual([first + 5, first + 1005]);
    expect(linesInAllSlices(wanted, 2, first + 6, first + SEARCH_BLOCK_LINES - 1)).toEqual([first + 1005]);
    expect(linesInAllSlices(wanted, 2, first, first + 5)).toEqual([first + 5]);
  });
});

describe('LineSliceIndexer', () => {
  let fixture: ReturnType<typeof logFixture> | undefined;
  afterEach(() => fixture?.close());

  function write(writer: LogWriter, from: number, to: number, line: (lineNo: number) => string = text): void {
    for (let lineNo = from; lineNo <= to; lineNo++) writer.append('d', { stream: 'stdout', source: 'runtime', text: line(lineNo) });
    writer.flush();
  }

  it('indexes a block once the writer starts the next one, on its next turn; never the newest block, which may still grow', () => {
    fixture = logFixture({ maxDelayMs: 60_000, maxBatchLines: 50_000 });
    const indexer = new LineSliceIndexer(fixture.store, fixture.writer, { rescanMs: 3_600_000, tickBudgetMs: 60_000 });
    indexer.tick(); // the first turn searches the store: nothing yet
    write(fixture.writer, 1, SEARCH_BLOCK_LINES);
    expect(indexer.pending).toBe(0);
    write(fixture.writer, SEARCH_BLOCK_LINES + 1, 3 * SEARCH_BLOCK_LINES + 10);
    expect(indexer.pending).toBe(3);
    indexer.tick();
    expect(indexer.pending).toBe(0);
    expect(slicedBlocks(fixture.store)).toEqual([
      [0, LINE_SLICES],
      [1, LINE_SLICES],
      [2, LINE_SLICES],
    ]);
    indexer.stop();
  });

  it('lets a flood pass first: a turn after more than floodLines committed lines indexes nothing, the next one catches up', () => {
    fixture = logFixture({ maxDelayMs: 60_000, maxBatchLines: 1000 });
    const indexer = new LineSliceIndexer(fixture.store, fixture.writer, { floodLines: 5000, rescanMs: 3_600_000, tickBudgetMs: 60_000 });
    indexer.tick();
    write(fixture.writer, 1, 2 * SEARCH_BLOCK_LINES + 1);
    indexer.tick();
    expect(slicedBlocks(fixture.store)).toEqual([]);
    indexer.tick();
    expect(slicedBlocks(fixture.store).map(([block]) => block)).toEqual([0, 1]);
    indexer.stop();
  });

  it('backfills the full blocks of a database from before migration 014, and blocks whose slices were dropped', () => {
    const db = new BetterSqlite3(':memory:');
    migrate(db, MIGRATIONS, 13);
    // Two full blocks and three lines, as a version-13 writer left them: lines and search blocks, no slices.
    const lines = 2 * SEARCH_BLOCK_LINES + 3;
    const insert = db.prepare("INSERT INTO log_lines (deployment_id, line_no, ts, stream, source, text, level) VALUES ('d', ?, 0, 0, 1, ?, 2)");
    const blocks = [0, 1, 2].map(() => new Uint8Array(SEARCH_BLOCK_BYTES));
    for (let lineNo = 1; lineNo <= lines; lineNo++) {
      const line = lineNo % 500 === 0 ? `ERROR needle ${lineNo}` : text(lineNo);
      insert.run(lineNo, line);
      indexText(blocks[blockOfLine(lineNo)]!, line);
    }
    blocks.forEach((bits, blockNo) => db.prepare("INSERT INTO log_search_blocks (deployment_id, block_no, bits, has_nul) VALUES ('d', ?, ?, 0)").run(blockNo, bits));
    migrate(db, MIGRATIONS, 14);
    expect(db.prepare('SELECT COUNT(*) FROM log_line_slices').pluck().get()).toBe(0);
    migrate(db, MIGRATIONS);
    const store = new Store(db);
    const writer = new LogWriter(store);
    const indexer = new LineSliceIndexer(store, writer);
    expect(indexer.indexAll()).toBe(2);
    expect(slicedBlocks(store)).toEqual([
      [0, LINE_SLICES],
      [1, LINE_SLICES],
    ]);
    // As an eviction marker drops them (store/log-budget.ts).
    db.prepare('DELETE FROM log_line_slices WHERE block_no = 1').run();
    db.prepare('UPDATE log_search_blocks SET sliced = NULL WHERE block_no = 1').run();
    expect(indexer.indexAll()).toBe(1);
    expect(slicedBlocks(store).map(([block]) => block)).toEqual([0, 1]);
    expect(new LogFilter(db).count('d', { ...base, query: 'needle' }).matches).toBe(16);
    indexer.stop();
    writer.close();
    db.close();
  });

  it('a trim marker is found by search and filter in its old block: its trigrams join the block, its block is indexed again', () => {
    fixture = logFixture({ maxDelayMs: 60_000, maxBatchLines: 50_000 });
    const { store, writer } = fixture;
    write(writer, 1, 3 * SEARCH_BLOCK_LINES);
    const indexer = new LineSliceIndexer(store, writer);
    indexer.indexAll();
    expect(slicedBlocks(store).map(([block]) => block)).toEqual([0, 1]);
    const filter = new LogFilter(store.db);
    expect(filter.count('d', { ...base, query: 'TRIMMED' }).matches).toBe(0);

    // A 1-byte budget: evict the 100 oldest runtime lines; a marker takes line 1.
    expect(new LogEvictor(store.db, 1).evictBatch(100)).toEqual({ lines: 100, markers: 1 });
    expect(slicedBlocks(store).map(([block]) => block)).toEqual([1]);
    const found = (): number[] => filter.page('d', { ...base, query: 'runtime lines trimmed' }).matches;
    expect(found()).toEqual([1]);
    expect(new LogSearch(store.db).search('d', { query: 'runtime lines trimmed', regex: false, caseSensitive: false, limit: 10 }).hits.map((hit) => hit.lineNo)).toEqual([1]);
    expect(indexer.indexAll()).toBe(1);
    expect(found()).toEqual([1]);
    // Widening the marker rewrites its text: its block is indexed again too.
    new LogEvictor(store.db, 1).evictBatch(100);
    expect(slicedBlocks(store).map(([block]) => block)).toEqual([1]);
    indexer.indexAll();
    expect(filter.page('d', { ...base, query: '"200 runtime lines trimmed"' }).matches).toEqual([1]);
    indexer.stop();
  });

  it('a block of long lines (over 4 MB of text) gets slices that rule nothing out: filters read it whole and still find its lines', () => {
    fixture = logFixture({ maxDelayMs: 60_000, maxBatchLines: 50_000 });
    const { store, writer } = fixture;
    write(writer, 1, SEARCH_BLOCK_LINES + 1, (lineNo) => `${lineNo === 77 ? 'needle ' : ''}${'x'.repeat(1100)} ${lineNo}`);
    const indexer = new LineSliceIndexer(store, writer);
    expect(indexer.indexAll()).toBe(1);
    const slices = store.db.prepare("SELECT lines FROM log_line_slices WHERE deployment_id = 'd' AND block_no = 0").pluck().all() as Buffer[];
    expect(slices).toHaveLength(LINE_SLICES);
    expect(slices.every((slice) => slice.every((byte) => byte === 0xff))).toBe(true);
    expect(new LogFilter(store.db).page('d', { ...base, query: 'needle' }).matches).toEqual([77]);
    indexer.stop();
  });

  it('drops the slices of blocks whose lines are all gone, with their search blocks', () => {
    fixture = logFixture({ maxDelayMs: 60_000, maxBatchLines: 50_000 });
    const { store, writer } = fixture;
    write(writer, 1, 3 * SEARCH_BLOCK_LINES + 1);
    const indexer = new LineSliceIndexer(store, writer);
    indexer.indexAll();
    store.db.prepare("DELETE FROM log_lines WHERE deployment_id = 'd' AND line_no <= ?").run(SEARCH_BLOCK_LINES + 5);
    searchIndexPruner(store.db)('d');
    expect(slicedBlocks(store).map(([block]) => block)).toEqual([1, 2]);
    expect(store.db.prepare("SELECT block_no FROM log_search_blocks WHERE deployment_id = 'd'").pluck().all()).toEqual([1, 2, 3]);
    indexer.stop();
  });
});

describe('the engine’s slice indexer', () => {
  it('builds the slices of a block the engine’s writer filled, on its own, and the API’s filter finds lines through them', { timeout: 30_000 }, async () => {
    const host = await startTestHost({ config: { retentionIntervalMs: 0, healthIntervalMs: 0, metricsIntervalMs: 0 } });
    try {
      const { store, logs } = host.engine;
      const settings = { port: 1, healthPath: '/h', env: [], memoryLimitMb: 64, restartPolicy: 'no' as const, keepCrashedContainers: false, verifyTimeoutMs: 1000, muteNotifications: false };
      const deployment = store.deployments.create(store.projects.create({ name: 'sliced', sourceDir: '/tmp', target: 'docker', settings }).id, 'docker');
      for (let lineNo = 1; lineNo <= SEARCH_BLOCK_LINES + 1; lineNo++) logs.append(deployment.id, { stream: 'stdout', source: 'runtime', text: lineNo % 100 === 0 ? `payment declined ${lineNo}` : text(lineNo) });
      logs.flush();
      const slices = () => store.db.prepare('SELECT COUNT(*) FROM log_line_slices WHERE deployment_id = ?').pluck().get(deployment.id);
      await expect.poll(slices, { timeout: 10_000, interval: 100 }).toBe(LINE_SLICES);
      const page = await host.json<{ matches: number[] }>(`/api/deployments/${deployment.id}/logs?filter=${encodeURIComponent('"payment declined"')}&limit=100`);
      expect(page.status).toBe(200);
      expect(page.body.matches).toEqual(Array.from({ length: 40 }, (_, index) => (index + 1) * 100));
    } finally {
      await host.stop();
    }
  });
});
