import type { Database, Statement } from 'better-sqlite3';
import { LOG_STREAMS, type SearchHit, type StepName } from '../../../shared';
import { eventHeads } from '../../../shared/log-events';
import { storedLevel } from './log-level';
import { isoTime } from '../store/log-lines';
import { compileLinePattern, requiredLiteral } from './line-pattern';
import { blockMayContain, blockOfLine, firstLineOfBlock, lastLineOfBlock, requiredBits } from '../store/search-index';

export interface SearchOptions {
  readonly query: string;
  readonly regex: boolean;
  readonly caseSensitive: boolean;
  readonly limit: number;
  /** Only these Compose stack services' lines (docs/product-rules.md "Compose stacks"); absent: every line. */
  readonly services?: readonly string[];
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
  level: number | null;
  service: string | null;
}

/**
 * Full-history search over every stored line of a deployment, oldest first. Literal searches (and
 * regexes with a required literal) read only the blocks whose trigram bitsets may match; anything
 * else scans every line block by block.
 */
export class LogSearch {
  private readonly selectRange: Statement<[string, number, number], HitRow>;
  /** The lines before a hit, to find the stack trace it sits in. */
  private readonly selectBeforeHit: Statement<[string, number, number], { line_no: number; text: string }>;
  private readonly selectBlocks: Statement<[string], { block_no: number; bits: Buffer }>;
  private readonly selectLast: Statement<[string], { last: number | null }>;
  private readonly selectFirst: Statement<[string], { first: number | null }>;

  constructor(db: Database) {
    this.selectRange = db.prepare(
      'SELECT line_no, ts, stream, step, run_id, text, level, service FROM log_lines WHERE deployment_id = ? AND line_no BETWEEN ? AND ? ORDER BY line_no',
    );
    this.selectBeforeHit = db.prepare('SELECT line_no, text FROM log_lines WHERE deployment_id = ? AND line_no BETWEEN ? AND ? ORDER BY line_no');
    this.selectBlocks = db.prepare('SELECT block_no, bits FROM log_search_blocks WHERE deployment_id = ? ORDER BY block_no');
    this.selectLast = db.prepare('SELECT MAX(line_no) AS last FROM log_lines WHERE deployment_id = ?');
    this.selectFirst = db.prepare('SELECT MIN(line_no) AS first FROM log_lines WHERE deployment_id = ?');
  }

  search(deploymentId: string, options: SearchOptions): SearchResult {
    const result = this.matchingLines(deploymentId, options);
    return { hits: this.withEvents(deploymentId, result.hits, result.first), truncated: result.truncated };
  }

  private matchingLines(deploymentId: string, options: SearchOptions): SearchResult & { first: number } {
    const pattern = compileLinePattern(options.query, options.regex, options.caseSensitive, 'q');
    const literal = options.regex ? requiredLiteral(options.query) : options.query;
    const required = requiredBits(literal, options.caseSensitive);
    const last = this.selectLast.get(deploymentId)?.last ?? 0;
    const first = this.selectFirst.get(deploymentId)?.first ?? 1;
    const hits: SearchHit[] = [];
    const services = options.services ? new Set(options.services) : undefined;
    if (last === 0) return { hits, truncated: false, first };

    const lastBlock = blockOfLine(last);
    // Blocks without a stored bitset (lines older than the index) are always scanned.
    const stored = required ? new Map(this.selectBlocks.all(deploymentId).map((row) => [row.block_no, row.bits])) : undefined;
    for (let block = blockOfLine(first); block <= lastBlock; block++) {
      const bits = stored?.get(block);
      if (required && bits && !blockMayContain(bits, required)) continue;
      for (const row of this.selectRange.all(deploymentId, firstLineOfBlock(block), lastLineOfBlock(block))) {
        if (services && (row.service === null || !services.has(row.service))) continue;
        if (!pattern.test(row.text)) continue;
        if (hits.length === options.limit) return { hits, truncated: true, first };
        const stream = LOG_STREAMS[row.stream] ?? 'system';
        hits.push({
          lineNo: row.line_no,
          ts: isoTime(row.ts),
          stream,
          step: row.step,
          runId: row.run_id,
          text: row.text,
          level: storedLevel(row.level, stream, row.text),
          event: null,
          ...(row.service !== null ? { service: row.service } : {}),
        });
      }
    }
    return { hits, truncated: false, first };
  }

  /**
   * Each hit with the first line of the stack trace it sits in (docs/product-rules.md, "Multi-line
   * events"): the lines up to EVENT_LOOKBACK before it are grouped as a reader would group them.
   */
  private withEvents(deploymentId: string, hits: SearchHit[], first: number): SearchHit[] {
    for (const [index, hit] of hits.entries()) {
      if (index >= EVENT_HITS) break;
      const rows = this.selectBeforeHit.all(deploymentId, Math.max(first, hit.lineNo - EVENT_LOOKBACK), hit.lineNo);
      const heads = eventHeads(rows.map((row) => row.text));
      const head = rows[heads[rows.length - 1] ?? rows.length - 1];
      if (head && head.line_no !== hit.lineNo) hits[index] = { ...hit, event: { lineNo: head.line_no, text: head.text } };
    }
    return hits;
  }
}

/** How far back a hit's trace is looked for: a trace longer than this shows from its 200th line before the hit. */
const EVENT_LOOKBACK = 200;
/** Hits that get their trace looked up (the list shows them all; the first ones are what is read). */
const EVENT_HITS = 200;

export { requiredLiteral };

const searchers = new WeakMap<Database, LogSearch>();

/** Full-history search (kept for callers of the first version); statements are prepared once per database. */
export function searchLines(db: Database, deploymentId: string, options: SearchOptions): SearchResult {
  let searcher = searchers.get(db);
  if (!searcher) searchers.set(db, (searcher = new LogSearch(db)));
  return searcher.search(deploymentId, options);
}
