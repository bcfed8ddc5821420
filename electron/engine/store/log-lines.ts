import type { Database, Statement } from 'better-sqlite3';
import { LOG_LEVELS, LOG_SOURCES, LOG_STREAMS, type LevelCounts, type LogLevel, type LogLine, type LogSource, type LogStream, type StepName } from '../../../shared';
import { levelCode, lineLevel, storedLevel } from '../logs/log-level';
import { firstLineOfBlock, lastLineOfBlock, LINE_SLICE_BYTES, LINE_SLICES, SEARCH_BLOCK_LINES } from './search-index';

interface LogLineRow {
  deployment_id: string;
  line_no: number;
  ts: number;
  stream: number;
  source: number;
  run_id: string | null;
  step: StepName | null;
  text: string;
  cut: number;
  raw?: Buffer | null;
  /** NULL for lines stored before migration 009. */
  level: number | null;
  /** A Compose stack service's name (migration 011); NULL when the line has none. */
  service?: string | null;
}

/** A line ready to store: lineNo already assigned by the log writer. */
export interface StoredLine {
  readonly deploymentId: string;
  readonly lineNo: number;
  readonly ts: number;
  readonly stream: LogStream;
  readonly source: LogSource;
  readonly runId: string | null;
  readonly step: StepName | null;
  readonly text: string;
  readonly cut: boolean;
  /** The exact bytes when `text` cannot hold them (invalid UTF-8); see logs/line-assembler.ts. */
  readonly raw?: Uint8Array | null;
  /** Set by the log writer (logs/log-level.ts `lineLevel`); detected from stream and text when not given. */
  readonly level?: LogLevel;
  /** The Compose stack service the line came from (docs/product-rules.md "Compose stacks"); null or absent: none. */
  readonly service?: string | null;
}

/**
 * Drops a deployment's search blocks (and their line slices) before its oldest stored line: once their lines
 * are gone they only cost scans. Retention and the log budget run it after deleting lines.
 */
export function searchIndexPruner(db: Database): (deploymentId: string) => void {
  const oldestBlock = `COALESCE((SELECT (MIN(line_no) - 1) / ${SEARCH_BLOCK_LINES} FROM log_lines WHERE deployment_id = ?), 9e18)`;
  const blocks = db.prepare<[string, string]>(`DELETE FROM log_search_blocks WHERE deployment_id = ? AND block_no < ${oldestBlock}`);
  const slices = db.prepare<[string, string]>(`DELETE FROM log_line_slices WHERE deployment_id = ? AND block_no < ${oldestBlock}`);
  return (deploymentId) => {
    blocks.run(deploymentId, deploymentId);
    slices.run(deploymentId, deploymentId);
  };
}

/** One block of the search index (logs/search-index.ts). */
export interface SearchBlock {
  readonly deploymentId: string;
  readonly blockNo: number;
  readonly bits: Uint8Array;
  /** Whether a line of the block holds a NUL character; null when not known (written before migration 013). */
  readonly hasNul: boolean | null;
}

export const streamCode = (stream: LogStream): number => LOG_STREAMS.indexOf(stream);
export const sourceCode = (source: LogSource): number => LOG_SOURCES.indexOf(source);

/** The columns a LogLine needs, read as raw (array) rows: the page path skips per-row object building in the driver. */
export const PAGE_COLUMNS = 'line_no, ts, stream, source, run_id, step, text, cut, level, service';
export type PageRow = [
  lineNo: number,
  ts: number,
  stream: number,
  source: number,
  runId: string | null,
  step: StepName | null,
  text: string,
  cut: number,
  level: number | null,
  service: string | null,
];

export function fromPageRow(deploymentId: string, row: PageRow): LogLine {
  const stream = LOG_STREAMS[row[2]] ?? 'system';
  const line: LogLine = {
    deploymentId,
    lineNo: row[0],
    ts: isoTime(row[1]),
    stream,
    source: LOG_SOURCES[row[3]] ?? 'runtime',
    runId: row[4],
    step: row[5],
    text: row[6],
    cut: row[7] === 1,
    level: storedLevel(row[8], stream, row[6]),
  };
  // Only a stack's lines carry a service (assigned, not spread: pages build thousands of lines).
  if (row[9] !== null) line.service = row[9];
  return line;
}

/** Every level at 0: a count answer always names all of LOG_LEVELS. */
export function emptyLevelCounts(): LevelCounts {
  return Object.fromEntries(LOG_LEVELS.map((level) => [level, 0])) as LevelCounts;
}

/** Adds lines to `log_level_counts` (migration 009); everything that stores lines runs it in the same transaction. */
export const ADD_LEVEL_COUNTS =
  'INSERT INTO log_level_counts (deployment_id, source, run_id, level, lines) VALUES (?, ?, ?, ?, ?) ON CONFLICT (deployment_id, source, run_id, level) DO UPDATE SET lines = lines + excluded.lines';

/** Adds a stack's lines to `log_service_level_counts` (migration 011), in the same transaction as the lines. */
const ADD_SERVICE_LEVEL_COUNTS =
  'INSERT INTO log_service_level_counts (deployment_id, service, source, run_id, level, lines) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (deployment_id, service, source, run_id, level) DO UPDATE SET lines = lines + excluded.lines';

/** Each line's stored level code: the writer's level, else detected now. */
function levelCodesOf(lines: readonly StoredLine[]): number[] {
  const codes = new Array<number>(lines.length);
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    codes[index] = levelCode(line.level ?? lineLevel(line.stream, line.text));
  }
  return codes;
}

interface LevelCount {
  readonly deploymentId: string;
  readonly service: string | null;
  readonly source: number;
  readonly runId: string;
  readonly level: number;
  lines: number;
}

/**
 * A batch's lines per (deployment, source, run, level, service). Neighbours mostly share all five, so a run of them
 * costs one comparison a line; a stack's services interleave, so each run is matched against the few groups
 * already found (a handful per batch) rather than hashed by a built string key.
 */
function countLevels(lines: readonly StoredLine[], levels: readonly number[]): Iterable<LevelCount> {
  const counts: LevelCount[] = [];
  let first = 0;
  const close = (end: number): void => {
    const line = lines[first]!;
    const source = sourceCode(line.source);
    const runId = line.runId ?? '';
    const level = levels[first]!;
    const service = line.service ?? null;
    for (const count of counts) {
      if (count.level === level && count.service === service && count.source === source && count.runId === runId && count.deploymentId === line.deploymentId) {
        count.lines += end - first;
        return;
      }
    }
    counts.push({ deploymentId: line.deploymentId, service, source, runId, level, lines: end - first });
  };
  for (let index = 1; index < lines.length; index++) {
    const line = lines[index]!;
    const previous = lines[first]!;
    if (
      levels[index] === levels[first] &&
      line.deploymentId === previous.deploymentId &&
      line.source === previous.source &&
      line.runId === previous.runId &&
      (line.service ?? null) === (previous.service ?? null)
    )
      continue;
    close(index);
    first = index;
  }
  if (lines.length > 0) close(lines.length);
  return counts;
}

const INSERT_ROWS = 64;
/** A full block's slices go in LINE_SLICES / SLICE_ROWS statements. */
const SLICE_ROWS = 64;
const INSERT_COLUMNS = 12;

export class LogLineRepository {
  private readonly insert: Statement<unknown[]>;
  /** One statement for INSERT_ROWS rows: binding once per 64 lines instead of per line halves ingest cost. */
  private readonly insertRows: Statement<unknown[]>;
  private readonly rowParameters = new Array<unknown>(INSERT_ROWS * INSERT_COLUMNS);
  /** Raw (array) rows of the columns a LogLine needs: the page path skips per-row object building in the driver. */
  private readonly selectSince: Statement<[string, number, number], PageRow>;
  private readonly selectTail: Statement<[string, number], LogLineRow>;
  private readonly selectLast: Statement<[string, string], { last: number | null }>;
  private readonly selectAtTime: Statement<[string, number], { line_no: number }>;
  private readonly selectBeforeTime: Statement<[string, number], { line_no: number }>;
  private readonly upsertBlock: Statement<[string, number, Uint8Array, number | null]>;
  private readonly selectBlock: Statement<[string, number], { bits: Buffer; has_nul: number | null }>;
  private readonly upsertSlices: Statement<unknown[]>;
  private readonly selectBlockTexts: Statement<[string, number, number], [number, string]>;
  private readonly selectUnsliced: Statement<[number], { deployment_id: string; block_no: number }>;
  private readonly markSliced: Statement<[string, number]>;
  private readonly selectRaw: Statement<[string, number], { raw: Buffer | null }>;
  private readonly selectLevelCounts: Statement<[string, number]>;
  private readonly selectRunLevelCounts: Statement<[string, number, string]>;
  private readonly addLevelCounts: Statement<[string, number, string, number, number]>;
  private readonly addServiceLevelCounts: Statement<[string, string, number, string, number, number]>;

  constructor(private readonly db: Database) {
    this.insert = db.prepare(
      'INSERT INTO log_lines (deployment_id, line_no, ts, stream, source, run_id, step, text, cut, raw, level, service) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.insertRows = db.prepare(
      `INSERT INTO log_lines (deployment_id, line_no, ts, stream, source, run_id, step, text, cut, raw, level, service) VALUES ${Array.from({ length: INSERT_ROWS }, () => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
    );
    this.selectBeforeTime = db.prepare('SELECT line_no FROM log_lines WHERE deployment_id = ? AND ts <= ? ORDER BY ts DESC, line_no DESC LIMIT 1');
    this.upsertBlock = db.prepare('INSERT OR REPLACE INTO log_search_blocks (deployment_id, block_no, bits, has_nul) VALUES (?, ?, ?, ?)');
    this.selectBlock = db.prepare('SELECT bits, has_nul FROM log_search_blocks WHERE deployment_id = ? AND block_no = ?');
    this.upsertSlices = db.prepare(`INSERT OR REPLACE INTO log_line_slices (deployment_id, block_no, slice_no, lines) VALUES ${Array.from({ length: SLICE_ROWS }, () => '(?, ?, ?, ?)').join(', ')}`);
    this.selectBlockTexts = db.prepare<[string, number, number], [number, string]>('SELECT line_no, text FROM log_lines WHERE deployment_id = ? AND line_no BETWEEN ? AND ?').raw(true);
    this.selectUnsliced = db.prepare(
      `SELECT b.deployment_id, b.block_no FROM log_search_blocks b INDEXED BY log_search_blocks_unsliced
        WHERE b.sliced IS NULL AND b.block_no < (SELECT MAX(block_no) FROM log_search_blocks n WHERE n.deployment_id = b.deployment_id)
        ORDER BY b.block_no DESC LIMIT ?`,
    );
    this.markSliced = db.prepare('UPDATE log_search_blocks SET sliced = 1 WHERE deployment_id = ? AND block_no = ?');
    this.selectRaw = db.prepare('SELECT raw FROM log_lines WHERE deployment_id = ? AND line_no = ?');
    this.selectLevelCounts = db.prepare<[string, number]>('SELECT level, SUM(lines) FROM log_level_counts WHERE deployment_id = ? AND source = ? GROUP BY level').raw(true);
    this.selectRunLevelCounts = db
      .prepare<[string, number, string]>('SELECT level, SUM(lines) FROM log_level_counts WHERE deployment_id = ? AND source = ? AND run_id = ? GROUP BY level')
      .raw(true);
    this.addLevelCounts = db.prepare(ADD_LEVEL_COUNTS);
    this.addServiceLevelCounts = db.prepare(ADD_SERVICE_LEVEL_COUNTS);
    this.selectSince = db
      .prepare<[string, number, number], PageRow>(`SELECT ${PAGE_COLUMNS} FROM log_lines WHERE deployment_id = ? AND line_no > ? ORDER BY line_no LIMIT ?`)
      .raw(true);
    this.selectTail = db.prepare('SELECT * FROM (SELECT * FROM log_lines WHERE deployment_id = ? ORDER BY line_no DESC LIMIT ?) ORDER BY line_no');
    // The floor keeps numbering monotonic after retention deleted a deployment's newest lines.
    this.selectLast = db.prepare(
      `SELECT MAX(COALESCE((SELECT MAX(line_no) FROM log_lines WHERE deployment_id = ?), 0),
                  COALESCE((SELECT last_line_no FROM log_line_floors WHERE deployment_id = ?), 0)) AS last`,
    );
    this.selectAtTime = db.prepare('SELECT line_no FROM log_lines WHERE deployment_id = ? AND ts >= ? ORDER BY ts, line_no LIMIT 1');
  }

  /** Inserts lines (and the search blocks they touched) in one transaction. Callers batch; this never splits. */
  insertMany(lines: readonly StoredLine[], blocks: readonly SearchBlock[] = []): void {
    this.db.transaction(() => {
      for (const block of blocks) this.upsertBlock.run(block.deploymentId, block.blockNo, block.bits, block.hasNul === null ? null : Number(block.hasNul));
      const levels = levelCodesOf(lines);
      let index = 0;
      const parameters = this.rowParameters;
      for (; index + INSERT_ROWS <= lines.length; index += INSERT_ROWS) {
        for (let row = 0; row < INSERT_ROWS; row++) {
          const line = lines[index + row]!;
          const at = row * INSERT_COLUMNS;
          parameters[at] = line.deploymentId;
          parameters[at + 1] = line.lineNo;
          parameters[at + 2] = line.ts;
          parameters[at + 3] = streamCode(line.stream);
          parameters[at + 4] = sourceCode(line.source);
          parameters[at + 5] = line.runId;
          parameters[at + 6] = line.step;
          parameters[at + 7] = line.text;
          parameters[at + 8] = line.cut ? 1 : 0;
          parameters[at + 9] = line.raw ?? null;
          parameters[at + 10] = levels[index + row];
          parameters[at + 11] = line.service ?? null;
        }
        this.insertRows.run(parameters);
      }
      for (; index < lines.length; index++) {
        const line = lines[index]!;
        this.insert.run(
          line.deploymentId,
          line.lineNo,
          line.ts,
          streamCode(line.stream),
          sourceCode(line.source),
          line.runId,
          line.step,
          line.text,
          line.cut ? 1 : 0,
          line.raw ?? null,
          levels[index],
          line.service ?? null,
        );
      }
      for (const count of countLevels(lines, levels)) {
        this.addLevelCounts.run(count.deploymentId, count.source, count.runId, count.level, count.lines);
        if (count.service !== null) this.addServiceLevelCounts.run(count.deploymentId, count.service, count.source, count.runId, count.level, count.lines);
      }
    })();
  }

  /** Lines with lineNo > since, in order, at most limit. */
  since(deploymentId: string, since: number, limit: number): LogLine[] {
    const rows = this.selectSince.all(deploymentId, since, limit) as unknown as PageRow[];
    const lines = new Array<LogLine>(rows.length);
    for (let index = 0; index < rows.length; index++) lines[index] = fromPageRow(deploymentId, rows[index]!);
    return lines;
  }

  /** Up to `limit` stored lines with lineNo < before, in order: counted in lines, so a retention or budget hole is stepped over. */
  before(deploymentId: string, before: number, limit: number): LogLine[] {
    if (limit <= 0) return [];
    const rows = this.db
      .prepare(`SELECT ${PAGE_COLUMNS} FROM log_lines WHERE deployment_id = ? AND line_no < ? ORDER BY line_no DESC LIMIT ?`)
      .raw()
      .all(deploymentId, before, limit) as unknown as PageRow[];
    return rows.reverse().map((row) => fromPageRow(deploymentId, row));
  }

  tail(deploymentId: string, count: number): LogLine[] {
    return this.selectTail.all(deploymentId, count).map(fromRow);
  }

  lastLineNo(deploymentId: string): number {
    return this.selectLast.get(deploymentId, deploymentId)?.last ?? 0;
  }

  /** The first line at or after a moment, for "jump to this time". */
  lineNoAt(deploymentId: string, ts: number): number | undefined {
    return this.selectAtTime.get(deploymentId, ts)?.line_no;
  }

  /** The last line at or before a moment. */
  lineNoBefore(deploymentId: string, ts: number): number | undefined {
    return this.selectBeforeTime.get(deploymentId, ts)?.line_no;
  }

  /** A search block as stored, or undefined when the block has no lines yet. */
  searchBlock(deploymentId: string, blockNo: number): { bits: Uint8Array; hasNul: boolean | null } | undefined {
    const row = this.selectBlock.get(deploymentId, blockNo);
    return row && { bits: row.bits, hasNul: row.has_nul === null ? null : row.has_nul === 1 };
  }

  /** The stored lines of a search block, as [lineNo, text], one at a time (its slices are built from them). */
  blockTexts(deploymentId: string, blockNo: number): IterableIterator<[lineNo: number, text: string]> {
    return this.selectBlockTexts.iterate(deploymentId, firstLineOfBlock(blockNo), lastLineOfBlock(blockNo));
  }

  /** Stores a full block's line slices (LINE_SLICES × LINE_SLICE_BYTES, slice-major; store/search-index.ts). */
  insertSlices(deploymentId: string, blockNo: number, slices: Uint8Array): void {
    const parameters = new Array<unknown>(SLICE_ROWS * 4);
    this.db.transaction(() => {
      for (let first = 0; first < LINE_SLICES; first += SLICE_ROWS) {
        for (let row = 0; row < SLICE_ROWS; row++) {
          const slice = first + row;
          parameters.splice(row * 4, 4, deploymentId, blockNo, slice, slices.subarray(slice * LINE_SLICE_BYTES, (slice + 1) * LINE_SLICE_BYTES));
        }
        this.upsertSlices.run(parameters);
      }
      this.markSliced.run(deploymentId, blockNo);
    })();
  }

  /**
   * Full search blocks without line slices, the newest first: every block of a deployment but its newest,
   * which may still get lines (read through a partial index of the blocks not `sliced`).
   */
  blocksWithoutSlices(limit: number): { deploymentId: string; blockNo: number }[] {
    return this.selectUnsliced.all(limit).map((row) => ({ deploymentId: row.deployment_id, blockNo: row.block_no }));
  }

  /** A line's exact bytes: `raw` when stored, else its text in UTF-8; undefined when there is no such line. */
  rawBytes(deploymentId: string, lineNo: number): Buffer | undefined {
    const row = this.selectRaw.get(deploymentId, lineNo);
    if (!row) return undefined;
    if (row.raw) return row.raw;
    const text = this.db.prepare('SELECT text FROM log_lines WHERE deployment_id = ? AND line_no = ?').get(deploymentId, lineNo) as { text: string };
    return Buffer.from(text.text, 'utf8');
  }

  /** The app's own lines (runtime stdout/stderr) stored from `fromMs` on, as [ts, stream, text]: what a re-attach may send again. */
  runtimeOutputSince(deploymentId: string, fromMs: number, service: string | null = null): { ts: number; stream: LogStream; text: string }[] {
    const rows = this.db
      .prepare('SELECT ts, stream, text FROM log_lines WHERE deployment_id = ? AND source = ? AND stream != ? AND ts >= ? AND service IS ?')
      .raw(true)
      .all(deploymentId, sourceCode('runtime'), streamCode('system'), fromMs, service) as [number, number, string][];
    return rows.map(([ts, stream, text]) => ({ ts, stream: LOG_STREAMS[stream] ?? 'stdout', text }));
  }

  /** The newest time of the app's own lines stored from `fromMs` on (of one stack service, or of no service), or null. */
  lastRuntimeOutputTs(deploymentId: string, fromMs: number, service: string | null = null): number | null {
    const row = this.db
      .prepare('SELECT MAX(ts) AS ts FROM log_lines WHERE deployment_id = ? AND source = ? AND stream != ? AND ts >= ? AND service IS ?')
      .get(deploymentId, sourceCode('runtime'), streamCode('system'), fromMs, service) as { ts: number | null };
    return row.ts;
  }

  /**
   * Lines per level of a deployment's `source` lines, or of one run's: read from `log_level_counts` (migration
   * 009), a few rows however many lines there are. Lines stored before levels were count as unknown: detecting
   * them would read every old line's text.
   */
  levelCounts(deploymentId: string, source: LogSource, runId?: string, services?: readonly string[]): LevelCounts {
    const rows = (
      services !== undefined
        ? this.serviceLevelCounts(deploymentId, source, runId, services)
        : runId === undefined
          ? this.selectLevelCounts.all(deploymentId, sourceCode(source))
          : this.selectRunLevelCounts.all(deploymentId, sourceCode(source), runId)
    ) as unknown as [level: number | null, count: number][];
    const counts = emptyLevelCounts();
    for (const [code, count] of rows) counts[(code === null ? undefined : LOG_LEVELS[code]) ?? 'unknown'] += count ?? 0;
    return counts;
  }

  /** Level counts of a stack's lines from some services (migration 011's `log_service_level_counts`). */
  private serviceLevelCounts(deploymentId: string, source: LogSource, runId: string | undefined, services: readonly string[]): unknown[] {
    if (services.length === 0) return [];
    const run = runId === undefined ? '' : ' AND run_id = ?';
    return this.db
      .prepare(
        `SELECT level, SUM(lines) FROM log_service_level_counts WHERE deployment_id = ? AND service IN (${services.map(() => '?').join(', ')}) AND source = ?${run} GROUP BY level`,
      )
      .raw(true)
      .all(deploymentId, ...services, sourceCode(source), ...(runId === undefined ? [] : [runId]));
  }

  range(deploymentId: string, fromLineNo: number, toLineNo: number): LogLine[] {
    return (
      this.db
        .prepare('SELECT * FROM log_lines WHERE deployment_id = ? AND line_no BETWEEN ? AND ? ORDER BY line_no')
        .all(deploymentId, fromLineNo, toLineNo) as LogLineRow[]
    ).map(fromRow);
  }
}

let cachedSecond = Number.NaN;
let cachedPrefix = '';

/**
 * `new Date(ms).toISOString()`, but a page or a flood shares its second across many lines: the
 * "YYYY-MM-DDTHH:MM:SS." prefix is cached, so a line costs one small concatenation.
 */
export function isoTime(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== cachedSecond) {
    const iso = new Date(second * 1000).toISOString();
    if (iso.length !== 24) return new Date(ms).toISOString();
    cachedSecond = second;
    cachedPrefix = iso.slice(0, 20);
  }
  const millis = ms - second * 1000;
  return `${cachedPrefix}${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
}

export function fromRow(row: LogLineRow): LogLine {
  const stream = LOG_STREAMS[row.stream] ?? 'system';
  const line: LogLine = {
    deploymentId: row.deployment_id,
    lineNo: row.line_no,
    ts: isoTime(row.ts),
    stream,
    source: LOG_SOURCES[row.source] ?? 'runtime',
    runId: row.run_id,
    step: row.step,
    text: row.text,
    cut: row.cut === 1,
    level: storedLevel(row.level, stream, row.text),
  };
  if (row.service) line.service = row.service;
  return line;
}
