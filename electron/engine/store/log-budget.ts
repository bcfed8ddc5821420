import type { Database } from 'better-sqlite3';
import { ACTIVE_RUN_STATUSES, trimMarkerText, parseTrimMarker } from '../../../shared';
import { ADD_LEVEL_COUNTS, searchIndexPruner, sourceCode, streamCode } from './log-lines';
import { levelCode, systemLineLevel } from '../logs/log-level';
import { blockOfLine, indexText } from './search-index';

/**
 * The log budget (docs/product-rules.md, "Log budget"): when the store is over it, the oldest runtime lines
 * go first, in small batches, and each trimmed range leaves a marker line where it was (shared/log-trim.ts).
 */

/** Evict down to this share of the budget, so a store at the budget does not trim on every check. */
export const LOG_BUDGET_LOW_WATER = 0.9;

/**
 * Bytes the database's pages hold: (page_count − freelist_count) × page_size. Three pragmas, no scan, so
 * it is cheap enough to check often. Log lines and their search index are nearly all of it; counting the
 * whole file keeps the budget a bound on what Berth takes on disk. Pages freed by eviction are reused by
 * new lines, so the file stops growing at about the budget.
 */
export function usedDatabaseBytes(db: Database): number {
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const pageCount = db.pragma('page_count', { simple: true }) as number;
  const free = db.pragma('freelist_count', { simple: true }) as number;
  return (pageCount - free) * pageSize;
}

export interface LogBudgetResult {
  readonly evictedLines: number;
  readonly markers: number;
  readonly usedBytesBefore: number;
  readonly usedBytesAfter: number;
}

const ACTIVE = ACTIVE_RUN_STATUSES.map((status) => `'${status}'`).join(', ');

/**
 * A line the budget may delete: an app's runtime output (never Berth's system lines, never deploy-step
 * lines), not tagged with a run in progress, and older than the start of the deployment's run in
 * progress, if it has one (what its container says while the run verifies it belongs to that run).
 */
const EVICTABLE = `source = ${sourceCode('runtime')} AND stream != ${streamCode('system')}
  AND (run_id IS NULL OR run_id NOT IN (SELECT id FROM runs WHERE status IN (${ACTIVE})))
  AND ts < COALESCE((SELECT MIN(COALESCE(started_at, created_at)) FROM runs WHERE deployment_id = @deployment AND status IN (${ACTIVE})), 9e18)`;

interface Candidate {
  readonly deploymentId: string;
  readonly ts: number;
}

/** Deletes batches of the oldest runtime lines until the store is under the budget's low water, or nothing is left to evict. */
export function enforceLogBudget(db: Database, budgetBytes: number, batchSize: number): LogBudgetResult {
  const usedBytesBefore = usedDatabaseBytes(db);
  let evictedLines = 0;
  let markers = 0;
  let used = usedBytesBefore;
  if (used <= budgetBytes) return { evictedLines, markers, usedBytesBefore, usedBytesAfter: used };
  const evictor = new LogEvictor(db, budgetBytes);
  while (used > budgetBytes * LOG_BUDGET_LOW_WATER) {
    const batch = evictor.evictBatch(batchSize);
    if (batch.lines === 0) break;
    evictedLines += batch.lines;
    markers += batch.markers;
    used = usedDatabaseBytes(db);
  }
  return { evictedLines, markers, usedBytesBefore, usedBytesAfter: used };
}

/** One batch at a time, each in its own short transaction, so the log writer is never held up for long. */
export class LogEvictor {
  private readonly deploymentIds;
  private readonly oldest;
  private readonly selectBatch;
  private readonly selectKeptBetween;
  private readonly selectBefore;
  private readonly deleteRange;
  private readonly markLine;
  private readonly setText;
  private readonly countLine;
  private readonly recordFloor;
  private readonly pruneSearchIndex;
  private readonly selectBits;
  private readonly updateBits;
  private readonly dropSlices: (deployment: string, blockNo: number) => void;

  constructor(
    private readonly db: Database,
    private readonly budgetBytes: number,
  ) {
    // Distinct deployments by skipping through the primary key, not by reading every line.
    this.deploymentIds = db.prepare<[], { id: string }>(
      `WITH RECURSIVE d(id) AS (
         SELECT MIN(deployment_id) FROM log_lines
         UNION ALL SELECT (SELECT MIN(deployment_id) FROM log_lines WHERE deployment_id > d.id) FROM d WHERE d.id IS NOT NULL)
       SELECT id FROM d WHERE id IS NOT NULL`,
    );
    this.oldest = db.prepare<{ deployment: string }, { ts: number }>(
      `SELECT ts FROM log_lines WHERE deployment_id = @deployment AND ${EVICTABLE} ORDER BY line_no LIMIT 1`,
    );
    this.selectBatch = db.prepare<{ deployment: string; limit: number }, { line_no: number; ts: number; run_id: string | null }>(
      `SELECT line_no, ts, run_id FROM log_lines WHERE deployment_id = @deployment AND ${EVICTABLE} ORDER BY line_no LIMIT @limit`,
    );
    this.selectKeptBetween = db.prepare<{ deployment: string; from: number; to: number }, { line_no: number }>(
      `SELECT line_no FROM log_lines WHERE deployment_id = @deployment AND line_no BETWEEN @from AND @to AND NOT (${EVICTABLE}) ORDER BY line_no`,
    );
    this.selectBefore = db.prepare<[string, number], { line_no: number; stream: number; text: string }>(
      'SELECT line_no, stream, text FROM log_lines WHERE deployment_id = ? AND line_no < ? ORDER BY line_no DESC LIMIT 1',
    );
    this.deleteRange = db.prepare<[string, number, number]>('DELETE FROM log_lines WHERE deployment_id = ? AND line_no BETWEEN ? AND ?');
    this.markLine = db.prepare<{ deployment: string; lineNo: number; ts: number; runId: string | null; text: string; level: number }>(
      `INSERT INTO log_lines (deployment_id, line_no, ts, stream, source, run_id, step, text, cut, level)
         VALUES (@deployment, @lineNo, @ts, ${streamCode('system')}, ${sourceCode('runtime')}, @runId, NULL, @text, 0, @level)`,
    );
    this.countLine = db.prepare<[string, number, string, number, number]>(ADD_LEVEL_COUNTS);
    this.setText = db.prepare<[string, string, number]>('UPDATE log_lines SET text = ? WHERE deployment_id = ? AND line_no = ?');
    this.recordFloor = db.prepare(
      `INSERT INTO log_line_floors (deployment_id, last_line_no)
         SELECT deployment_id, MAX(line_no) FROM log_lines WHERE deployment_id = ? GROUP BY deployment_id
       ON CONFLICT(deployment_id) DO UPDATE SET last_line_no = MAX(last_line_no, excluded.last_line_no)`,
    );
    this.pruneSearchIndex = searchIndexPruner(db);
    this.selectBits = db.prepare<[string, number], { bits: Buffer }>('SELECT bits FROM log_search_blocks WHERE deployment_id = ? AND block_no = ?');
    this.updateBits = db.prepare<[Uint8Array, string, number]>('UPDATE log_search_blocks SET bits = ? WHERE deployment_id = ? AND block_no = ?');
    const dropSlices = db.prepare<[string, number]>('DELETE FROM log_line_slices WHERE deployment_id = ? AND block_no = ?');
    const unsliced = db.prepare<[string, number]>('UPDATE log_search_blocks SET sliced = NULL WHERE deployment_id = ? AND block_no = ?');
    this.dropSlices = (deployment: string, blockNo: number) => {
      dropSlices.run(deployment, blockNo);
      unsliced.run(deployment, blockNo);
    };
  }

  /**
   * A marker is a new text in an old block: its trigrams go into the block's bits, so search and filter still
   * read the block, and the block's line slices are dropped (the slice indexer builds them again; until then
   * filters read the block line by line).
   */
  private indexMarker(deployment: string, lineNo: number, text: string): void {
    const blockNo = blockOfLine(lineNo);
    const stored = this.selectBits.get(deployment, blockNo);
    if (stored) {
      const bits = Uint8Array.from(stored.bits);
      indexText(bits, text);
      this.updateBits.run(bits, deployment, blockNo);
    }
    this.dropSlices(deployment, blockNo);
  }

  /** The deployment whose oldest evictable line is the oldest of all, or null when nothing may go. */
  private pickDeployment(): Candidate | null {
    let best: Candidate | null = null;
    for (const { id } of this.deploymentIds.all()) {
      const row = this.oldest.get({ deployment: id });
      if (row && (!best || row.ts < best.ts)) best = { deploymentId: id, ts: row.ts };
    }
    return best;
  }

  /** Deletes up to `batchSize` of the oldest runtime lines; returns how many, and how many markers it wrote or widened. */
  evictBatch(batchSize: number): { lines: number; markers: number } {
    return this.db.transaction(() => {
      const candidate = this.pickDeployment();
      if (!candidate) return { lines: 0, markers: 0 };
      const deployment = candidate.deploymentId;
      const batch = this.selectBatch.all({ deployment, limit: batchSize });
      const first = batch[0];
      const last = batch[batch.length - 1];
      if (!first || !last) return { lines: 0, markers: 0 };
      this.recordFloor.run(deployment);
      // Lines that stay between the evicted ones (deploy steps, Berth's own lines) split the batch into ranges.
      const kept = this.selectKeptBetween.all({ deployment, from: first.line_no, to: last.line_no }).map((row) => row.line_no);
      const ranges: { from: number; fromTs: number; runId: string | null; to: number; count: number }[] = [];
      let keptIndex = 0;
      for (const line of batch) {
        let split = false;
        while (keptIndex < kept.length && (kept[keptIndex] ?? Infinity) < line.line_no) {
          split = true;
          keptIndex += 1;
        }
        const open = ranges[ranges.length - 1];
        if (open && !split) {
          open.to = line.line_no;
          open.count += 1;
        } else {
          ranges.push({ from: line.line_no, fromTs: line.ts, runId: line.run_id, to: line.line_no, count: 1 });
        }
      }
      let markers = 0;
      for (const range of ranges) {
        this.deleteRange.run(deployment, range.from, range.to);
        const before = this.selectBefore.get(deployment, range.from);
        const previous = before ? parseTrimMarker({ stream: before.stream === streamCode('system') ? 'system' : 'stdout', text: before.text }) : null;
        if (before && previous) {
          // The range continues one trimmed earlier: widen that marker rather than stack a second one.
          const widened = { lines: previous.lines + range.count, fromLineNo: previous.fromLineNo, toLineNo: range.to };
          const text = trimMarkerText(widened, this.budgetBytes);
          this.setText.run(text, deployment, before.line_no);
          this.indexMarker(deployment, before.line_no, text);
        } else {
          const marker = { lines: range.count, fromLineNo: range.from, toLineNo: range.to };
          const text = trimMarkerText(marker, this.budgetBytes);
          // A Berth line like any other: its level is stored and counted (docs/product-rules.md "Log levels").
          const level = levelCode(systemLineLevel(text));
          this.markLine.run({ deployment, lineNo: range.from, ts: range.fromTs, runId: range.runId, text, level });
          this.countLine.run(deployment, sourceCode('runtime'), range.runId ?? '', level, 1);
          this.indexMarker(deployment, range.from, text);
        }
        markers += 1;
      }
      this.pruneSearchIndex(deployment);
      return { lines: batch.length, markers };
    })();
  }
}
