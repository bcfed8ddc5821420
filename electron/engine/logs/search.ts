import type { Database, Statement } from 'better-sqlite3';
import { RE2JS } from 're2js';
import { LOG_STREAMS, type SearchHit, type StepName } from '../../../shared';
import { EngineError } from '../engine-error';
import { storedLevel } from './log-level';
import { isoTime } from '../store/log-lines';
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
  level: number | null;
}

interface LineMatcher {
  test(text: string): boolean;
}

/**
 * Literal queries use V8's RegExp on the escaped text (no backtracking possible). User regexes run on
 * RE2 (re2js), which matches in linear time: a pattern like `(a+)+$` sent to the API cannot stall the
 * engine, whose one thread also stores every incoming log line.
 */
function compile(options: SearchOptions): LineMatcher {
  if (!options.regex) return new RegExp(escapeRegExp(options.query), options.caseSensitive ? '' : 'i');
  try {
    return RE2JS.compile(options.query, options.caseSensitive ? 0 : RE2JS.CASE_INSENSITIVE);
  } catch (error) {
    const reason = (error as Error).message.replace(/^error parsing regexp: /, '');
    throw new EngineError(
      'VALIDATION_FAILED',
      `q: not a regular expression full-history search can run (${reason}). It uses RE2 syntax, which has no look-arounds or back-references.`,
      'q',
    );
  }
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const QUANTIFIER = /^(?:[*?]|\{0?,|\{0\})/;

/**
 * The longest literal every match of `source` must contain, or '' when none can be proven.
 * Conservative: only top-level text outside groups, classes and alternations counts, and a
 * character that a quantifier may repeat or drop ends the run.
 */
export function requiredLiteral(source: string): string {
  let best = '';
  let run = '';
  let depth = 0;
  const close = (): void => {
    if (run.length > best.length) best = run;
    run = '';
  };
  for (let index = 0; index < source.length; index++) {
    const char = source[index]!;
    if (char === '\\') {
      const next = source[index + 1];
      index++;
      if (next === undefined) return '';
      // \d, \w, \b, \1, \u… are classes or assertions; punctuation escapes are literal.
      if (depth === 0 && /[^A-Za-z0-9]/.test(next)) {
        if (QUANTIFIER.test(source.slice(index + 1))) close();
        else run += next;
      } else close();
      continue;
    }
    if (char === '[') {
      close();
      // Skip the class, honouring escapes and a leading ].
      index++;
      if (source[index] === '^') index++;
      if (source[index] === ']') index++;
      while (index < source.length && source[index] !== ']') index += source[index] === '\\' ? 2 : 1;
      continue;
    }
    if (char === '(') {
      depth++;
      close();
      continue;
    }
    if (char === ')') {
      depth = Math.max(0, depth - 1);
      close();
      continue;
    }
    if (char === '|') {
      if (depth === 0) return '';
      continue;
    }
    if (char === '{') {
      // A counted repeat: `{2}`, `{1,3}`; its digits are no literal.
      close();
      while (index < source.length && source[index] !== '}') index++;
      continue;
    }
    if ('.^$*+?}'.includes(char)) {
      // `x+` still requires one x, but keep it simple: quantified characters end the run.
      close();
      continue;
    }
    if (depth > 0) continue;
    if (QUANTIFIER.test(source.slice(index + 1)) || source[index + 1] === '+') {
      close();
      continue;
    }
    run += char;
  }
  close();
  return best;
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
      'SELECT line_no, ts, stream, step, run_id, text, level FROM log_lines WHERE deployment_id = ? AND line_no BETWEEN ? AND ? ORDER BY line_no',
    );
    this.selectBlocks = db.prepare('SELECT block_no, bits FROM log_search_blocks WHERE deployment_id = ? ORDER BY block_no');
    this.selectLast = db.prepare('SELECT MAX(line_no) AS last FROM log_lines WHERE deployment_id = ?');
    this.selectFirst = db.prepare('SELECT MIN(line_no) AS first FROM log_lines WHERE deployment_id = ?');
  }

  search(deploymentId: string, options: SearchOptions): SearchResult {
    const pattern = compile(options);
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
        const stream = LOG_STREAMS[row.stream] ?? 'system';
        hits.push({
          lineNo: row.line_no,
          ts: isoTime(row.ts),
          stream,
          step: row.step,
          runId: row.run_id,
          text: row.text,
          level: storedLevel(row.level, stream, row.text),
        });
      }
    }
    return { hits, truncated: false };
  }
}

const searchers = new WeakMap<Database, LogSearch>();

/** Full-history search (kept for callers of the first version); statements are prepared once per database. */
export function searchLines(db: Database, deploymentId: string, options: SearchOptions): SearchResult {
  let searcher = searchers.get(db);
  if (!searcher) searchers.set(db, (searcher = new LogSearch(db)));
  return searcher.search(deploymentId, options);
}
