import type { Database, Statement } from 'better-sqlite3';
import { LOG_STREAMS, type SearchHit, type StepName } from '../../../shared';
import { isoTime } from '../store/log-lines';
import { compileLinePattern, requiredLiteral } from './line-pattern';
import { blockMayContain, blockOfLine, firstLineOfBlock, lastLineOfBlock, requiredBits } from '../store/search-index';

export interface SearchOptions {
  readonly query: string;
  readonly regex: boolean;
  readonly caseSensitive: boolean;
  readonly limit: number;
}

export interface SearchResult {
  hits: SearchHit[];
  /** More lines matched than `limit`. */
  truncated: boolean;
}

interface HitRow {
  line_no: number;
  ts: number;
  stream: number;
  step: StepName | null;
  run_id: string | null;
  text: string;
}

/**
 * Full-history search over every stored line of a deployment, oldest first. Literal searches (and
 * regexes with a required literal) read only the blocks whose trigram bitsets may match; anything
 * else scans every line block by block.
 */
export class LogSearch {
  private readonly selectRange: Statement<[string, number, number], HitRow>;
  private readonly selectBlocks: Statement<[string], { block_no: number; bits: Buffer }>;
  private readonly selectLast: Statement<[string], { last: number | null }>;
  private readonly selectFirst: Statement<[string], { first: number | null }>;

  constructor(db: Database) {
    this.selectRange = db.prepare(
      'SELECT line_no, ts, stream, step, run_id, text FROM log_lines WHERE deployment_id = ? AND line_no BETWEEN ? AND ? ORDER BY line_no',
    );
    this.selectBlocks = db.prepare('SELECT block_no, bits FROM log_search_blocks WHERE deployment_id = ? ORDER BY block_no');
    this.selectLast = db.prepare('SELECT MAX(line_no) AS last FROM log_lines WHERE deployment_id = ?');
    this.selectFirst = db.prepare('SELECT MIN(line_no) AS first FROM log_lines WHERE deployment_id = ?');
  }

  search(deploymentId: string, options: SearchOptions): SearchResult {
    const pattern = compileLinePattern(options.query, options.regex, options.caseSensitive, 'q');
    const literal = options.regex ? requiredLiteral(options.query) : options.query;
    const required = requiredBits(literal, options.caseSensitive);
    const last = this.selectLast.get(deploymentId)?.last ?? 0;
    const first = this.selectFirst.get(deploymentId)?.first ?? 1;
    const hits: SearchHit[] = [];
    if (last === 0) return { hits, truncated: false };

    const lastBlock = blockOfLine(last);
    // Blocks without a stored bitset (lines older than the index) are always scanned.
    const stored = required ? new Map(this.selectBlocks.all(deploymentId).map((row) => [row.block_no, row.bits])) : undefined;
    for (let block = blockOfLine(first); block <= lastBlock; block++) {
      const bits = stored?.get(block);
      if (required && bits && !blockMayContain(bits, required)) continue;
      for (const row of this.selectRange.all(deploymentId, firstLineOfBlock(block), lastLineOfBlock(block))) {
        if (!pattern.test(row.text)) continue;
        if (hits.length === options.limit) return { hits, truncated: true };
        hits.push({
          lineNo: row.line_no,
          ts: isoTime(row.ts),
          stream: LOG_STREAMS[row.stream] ?? 'system',
          step: row.step,
          runId: row.run_id,
          text: row.text,
        });
      }
    }
    return { hits, truncated: false };
  }
}

export { requiredLiteral };

const searchers = new WeakMap<Database, LogSearch>();

/** Full-history search (kept for callers of the first version); statements are prepared once per database. */
export function searchLines(db: Database, deploymentId: string, options: SearchOptions): SearchResult {
  let searcher = searchers.get(db);
  if (!searcher) searchers.set(db, (searcher = new LogSearch(db)));
  return searcher.search(deploymentId, options);
}
