// Filter mode over a deployment's whole stored history (docs/product-rules.md, "Filter mode"): only the
// matching lines (or, with `exclude`, the others), each with up to `context` neighbouring lines, paged
// forward from `since` or backward from `before`. Every request does bounded work: it stops after
// scanning MAX_SCAN_LINES lines and says where it got to (`scannedTo`), so the caller continues from
// there. Blocks the search index proves free of a required literal are skipped without being read.
import type { Database, Statement } from 'better-sqlite3';
import { LOG_LEVELS, LOG_STREAMS, type LogLevel, type LogLine, type LogStream } from '../../../shared';
import { storedLevel } from './log-level';
import { fromPageRow, PAGE_COLUMNS, type PageRow } from '../store/log-lines';
import { blockMayContain, blockOfLine, firstLineOfBlock, lastLineOfBlock, linesInAllSlices, requiredBits, requiredSlices, SEARCH_BLOCK_LINES } from '../store/search-index';
import { fieldsMatch, parseFilterQuery } from './field-query';
import { compileLinePattern, globShadow, literalMatcher, requiredLiteral, type LineMatcher } from './line-pattern';

export interface LineFilterOptions {
  /** The filter box: terms (see field-query.ts), or one RE2 pattern when `regex`. */
  readonly query: string;
  readonly regex: boolean;
  readonly caseSensitive: boolean;
  /** Keep the lines that do not match instead. */
  readonly exclude: boolean;
}

/** How SQLite can drop lines before they reach JavaScript: every matching line holds `literal`. */
interface Prefilter {
  readonly literal: string;
  /** Exact, or with ASCII letters folded (the same folding as the literal matcher's, and SQLite's LIKE and lower()). */
  readonly kind: 'instr' | 'like';
  /**
   * A GLOB (instr) or LIKE (like) pattern for the literal from its rarest character on. GLOB and LIKE find a
   * pattern's first character with strcspn, much faster than instr's byte-by-byte loop, and a rare one stops
   * them seldom. Both read text only up to its first NUL, so only blocks known to hold none use it
   * (store/migrations/013-search-block-nul.ts). Undefined for a literal with a NUL, which such blocks cannot hold.
   */
  readonly pattern: string | undefined;
  /** The pattern holds the whole literal: nothing to check after it. */
  readonly whole: boolean;
  /**
   * For a regex: a GLOB every line it matches also matches (line-pattern.ts `globShadow`), checked after the
   * literal in blocks without a NUL, so lines holding the literal but not matching are not read into JavaScript.
   */
  readonly shadow?: string | undefined;
}

export interface CompiledLineFilter {
  /** Whether a line's text is kept (exclude already applied). */
  test(text: string): boolean;
  /** Trigram bits every block holding a kept line has; undefined when the index cannot help. */
  readonly requiredBits: readonly number[] | undefined;
  /** The line slices every kept line is in (from `requiredBits`); undefined when the index cannot help. */
  readonly requiredSlices: readonly number[] | undefined;
  readonly prefilter: Prefilter | undefined;
  /** Only lines starting with `{` can be kept (the query has field terms and is not an exclude). */
  readonly jsonOnly: boolean;
}

const isAscii = (text: string): boolean => /^[\x20-\x7e]*$/.test(text);

/** Keeps every line: a page restricted to services (or streams, levels) without filter terms. */
export const KEEP_EVERY_LINE: CompiledLineFilter = { test: () => true, requiredBits: undefined, requiredSlices: undefined, prefilter: undefined, jsonOnly: false };

/**
 * The one matcher of filter mode: the engine's pages and counts, and `berth logs --grep --follow` on
 * live lines, all use it. `field` names the input in errors (`filter` for the API, `--grep` for the CLI).
 */
export function compileLineFilter(options: LineFilterOptions, field = 'filter'): CompiledLineFilter {
  let matches: (text: string) => boolean;
  let literals: string[];
  let prefilter: Prefilter | undefined;
  let jsonOnly = false;
  if (options.regex) {
    const pattern = compileLinePattern(options.query, true, options.caseSensitive, field);
    matches = (text) => pattern.test(text);
    const literal = requiredLiteral(options.query);
    literals = literal ? [literal] : [];
    // RE2's case folding (ſ matches s, K matches k) is not SQLite's: only an exact literal prefilters.
    if (options.caseSensitive && literal.length >= 3) prefilter = { ...prefilterOf(literal, 'instr'), shadow: globShadow(options.query) };
  } else {
    const query = parseFilterQuery(options.query, field);
    const texts: LineMatcher[] = query.textTerms.map((term) => literalMatcher(term, options.caseSensitive));
    const fields = query.fieldTerms;
    matches = (text) => {
      for (const matcher of texts) if (!matcher.test(text)) return false;
      return fields.length === 0 || fieldsMatch(text, fields);
    };
    literals = [...query.textTerms];
    const longest = literals.reduce((best, term) => (term.length > best.length ? term : best), '');
    if (longest.length >= 3 && (options.caseSensitive || isAscii(longest))) prefilter = prefilterOf(longest, options.caseSensitive ? 'instr' : 'like');
    jsonOnly = fields.length > 0;
  }
  if (options.exclude) {
    // Every block can hold lines that do not match: neither the index nor a prefilter can help.
    return { test: (text) => !matches(text), requiredBits: undefined, requiredSlices: undefined, prefilter: undefined, jsonOnly: false };
  }
  const bits = new Set<number>();
  for (const literal of literals) for (const bit of requiredBits(literal, options.caseSensitive) ?? []) bits.add(bit);
  if (bits.size === 0) return { test: matches, requiredBits: undefined, requiredSlices: undefined, prefilter, jsonOnly };
  return { test: matches, requiredBits: [...bits], requiredSlices: requiredSlices([...bits]), prefilter, jsonOnly };
}

/**
 * Printable ASCII from the most to the least frequent in log lines (an estimate; a character not listed is
 * rarer than all of these). Only the order matters: a prefilter pattern starts at the literal's rarest character.
 */
const FREQUENT = ' etaoinsrldcuh0123456789mp:-./gfybwvk"=,_TESARINOLDCHPMUGBFWVKYxjqz()[]{}\'JXQZ';
/** Characters GLOB or LIKE give a meaning to: a pattern does not start at one. */
const GLOB_SPECIAL = '*?[';
const LIKE_SPECIAL = '%_\\';

function prefilterOf(literal: string, kind: Prefilter['kind']): Prefilter {
  if (literal.includes('\u0000')) return { literal, kind, pattern: undefined, whole: false };
  const special = kind === 'instr' ? GLOB_SPECIAL : LIKE_SPECIAL;
  // Non-ASCII characters rank as frequent: GLOB and LIKE only use strcspn for an ASCII first character.
  const rank = (char: string): number => {
    if (char > '~' || special.includes(char)) return -1;
    const index = FREQUENT.indexOf(kind === 'like' ? char.toLowerCase() : char);
    return index === -1 ? FREQUENT.length : index;
  };
  // The rarest character that leaves at least three of the literal in the pattern; the first of equals.
  let start = 0;
  for (let index = 1; index <= literal.length - 3; index++) if (rank(literal[index]!) > rank(literal[start]!)) start = index;
  const rest = literal.slice(start);
  const pattern = kind === 'instr' ? `*${rest.replace(/[*?[]/g, '[$&]')}*` : likePattern(rest);
  return { literal, kind, pattern, whole: start === 0 };
}

export interface FilterPageOptions extends LineFilterOptions {
  /** Lines shown before and after each kept line (0–50); overlapping contexts merge. */
  readonly context: number;
  /** Only these streams (matches and context alike); all when absent. */
  readonly streams?: readonly LogStream[] | undefined;
  /** Only lines of these levels (matches and context alike); all when absent. */
  readonly levels?: readonly LogLevel[] | undefined;
  /** Only these Compose stack services' lines (matches and context alike); all when absent. */
  readonly services?: readonly string[] | undefined;
  /** Forward: kept lines with lineNo > since. Ignored when `before` is given. */
  readonly since: number;
  /** Backward: the last `limit` kept lines with lineNo < before. */
  readonly before?: number | undefined;
  /** At most this many kept lines (fewer when context would make the page exceed MAX_FILTER_PAGE_LINES). */
  readonly limit: number;
}

export interface FilterPage {
  /** Kept lines and their context lines, in lineNo order, each once. */
  lines: LogLine[];
  /** The lineNos of the kept lines among `lines`; the others are context. */
  matches: number[];
  /**
   * Where the scan got to: forward, the highest lineNo examined (the next page's `since`); backward,
   * the lowest (the next page's `before`).
   */
  scannedTo: number;
  lastLineNo: number;
  /** The scan stopped early (limit or work bound): a next page from `scannedTo` may find more. */
  truncated: boolean;
}

export interface FilterCount {
  matches: number;
  /** The highest lineNo examined: continue with `since=scannedTo` when truncated. */
  scannedTo: number;
  lastLineNo: number;
  truncated: boolean;
}

/** Lines scanned (read and tested) per page request; blocks the index skips do not count. */
export const MAX_SCAN_LINES = 64 * 4096;
/** Lines scanned per count request: twice a page's, as a count reads no context and builds no lines. */
export const MAX_COUNT_SCAN_LINES = 128 * 4096;
/** Kept lines plus context lines per page. */
export const MAX_FILTER_PAGE_LINES = 5000;
/** Compiled filters kept for the next request. */
const COMPILED_FILTERS = 16;
/** Search blocks' bitsets read per query while skipping: 128 KB at first, at most 8 MB. */
const FIRST_BITS_CHUNK = 16;
const MAX_BITS_CHUNK = 1024;

/**
 * A search block: its trigram bits, whether a line holds a NUL (1), none does (0) or it is not known (null), and
 * whether it has line slices (1; null: not yet).
 */
type BitsRow = [blockNo: number, bits: Buffer, hasNul: number | null, sliced: number | null];

/** How a run of lines is read: not at all (the index rules it out), with the fast prefilter, or with the NUL-safe one. */
type BlockScan = 'skip' | 'fast' | 'safe';

/** How far a scan got: lines read and tested, and the lineNo at its edge. */
interface ScanState {
  scanned: number;
  scannedTo: number;
}

export class LogFilter {
  private readonly bounds: Statement<[string, string], { first: number | null; last: number | null }>;
  private readonly bitsUp: Statement<[string, number, number], BitsRow>;
  private readonly bitsDown: Statement<[string, number, number], BitsRow>;
  private readonly rangeRows: Statement<[string, number, number], PageRow>;
  private readonly slicesOfBlock: Statement<[string, number, string], [sliceNo: number, lines: Buffer]>;
  /** Range scans and candidate reads, by their conditions. */
  private readonly scans = new Map<string, Statement<unknown[], PageRow>>();
  /** Recently used filters: a viewer pages with the same one, and a compiled RE2 program gets faster with use (its caches fill). */
  private readonly compiled = new Map<string, CompiledLineFilter>();

  constructor(private readonly db: Database) {
    // Two subqueries: MIN and MAX in one SELECT would scan every line instead of reading the index's two ends.
    this.bounds = db.prepare(
      'SELECT (SELECT MIN(line_no) FROM log_lines WHERE deployment_id = ?) AS first, (SELECT MAX(line_no) FROM log_lines WHERE deployment_id = ?) AS last',
    );
    this.bitsUp = db
      .prepare<[string, number, number], BitsRow>('SELECT block_no, bits, has_nul, sliced FROM log_search_blocks WHERE deployment_id = ? AND block_no BETWEEN ? AND ? ORDER BY block_no')
      .raw(true);
    this.bitsDown = db
      .prepare<[string, number, number], BitsRow>('SELECT block_no, bits, has_nul, sliced FROM log_search_blocks WHERE deployment_id = ? AND block_no BETWEEN ? AND ? ORDER BY block_no DESC')
      .raw(true);
    this.rangeRows = db
      .prepare<[string, number, number], PageRow>(`SELECT ${PAGE_COLUMNS} FROM log_lines WHERE deployment_id = ? AND line_no BETWEEN ? AND ? ORDER BY line_no`)
      .raw(true);
    this.slicesOfBlock = db
      .prepare<[string, number, string], [number, Buffer]>('SELECT slice_no, lines FROM log_line_slices WHERE deployment_id = ? AND block_no = ? AND slice_no IN (SELECT value FROM json_each(?))')
      .raw(true);
  }

  /** `options.query` undefined: every line in scope is kept (a page restricted to services only). */
  page(deploymentId: string, options: Omit<FilterPageOptions, 'query'> & { readonly query: string | undefined }): FilterPage {
    const filter = options.query === undefined ? KEEP_EVERY_LINE : this.compile({ ...options, query: options.query });
    const { first, last } = this.bounds.get(deploymentId, deploymentId) ?? { first: null, last: null };
    const lastLineNo = last ?? 0;
    const backward = options.before !== undefined;
    const limit = Math.max(1, Math.min(options.limit, Math.floor(MAX_FILTER_PAGE_LINES / (2 * options.context + 1))));
    const streams = scopeOf(options);
    const empty = (scannedTo: number): FilterPage => ({ lines: [], matches: [], scannedTo, lastLineNo, truncated: false });
    if (first === null || last === null) return empty(backward ? 0 : options.since);

    const kept: PageRow[] = [];
    let state: ScanState;
    let truncated = false;
    if (!backward) {
      const from = Math.max(options.since + 1, first);
      if (from > last) return empty(Math.max(options.since, last));
      state = { scanned: 0, scannedTo: from - 1 };
      this.scanBlocks(deploymentId, filter, streams, from, last, 'up', state, MAX_SCAN_LINES, (rows) => {
        for (const row of rows) {
          if (!keeps(filter, streams, row)) continue;
          kept.push(row);
          if (kept.length === limit) {
            state.scannedTo = row[0];
            truncated = true;
            return false;
          }
        }
        return true;
      }, () => runLinesFor(limit - kept.length, kept.length, state.scanned));
    } else {
      const to = Math.min(options.before! - 1, last);
      if (to < first) return empty(Math.max(0, Math.min(options.before!, first)));
      state = { scanned: 0, scannedTo: to + 1 };
      const blocks: PageRow[][] = [];
      let count = 0;
      this.scanBlocks(deploymentId, filter, streams, first, to, 'down', state, MAX_SCAN_LINES, (rows) => {
        const found = rows.filter((row) => keeps(filter, streams, row));
        blocks.push(found);
        count += found.length;
        if (count < limit) return true;
        truncated = true;
        return false;
      }, () => runLinesFor(limit - count, count, state.scanned));
      for (let index = blocks.length - 1; index >= 0; index--) kept.push(...blocks[index]!);
      if (kept.length > limit) kept.splice(0, kept.length - limit);
      if (truncated) state.scannedTo = kept[0]![0];
    }
    if (!truncated && state.scanned >= MAX_SCAN_LINES) truncated = backward ? state.scannedTo > first : state.scannedTo < last;
    return { lines: this.withContext(deploymentId, kept, options.context, streams, lastLineNo), matches: kept.map((row) => row[0]), scannedTo: state.scannedTo, lastLineNo, truncated };
  }

  /** Counts kept lines with lineNo > since, scanning at most MAX_COUNT_SCAN_LINES lines the index cannot skip. */
  count(
    deploymentId: string,
    options: LineFilterOptions & {
      readonly since: number;
      readonly streams?: readonly LogStream[] | undefined;
      readonly levels?: readonly LogLevel[] | undefined;
      readonly services?: readonly string[] | undefined;
    },
  ): FilterCount {
    const filter = this.compile(options);
    const streams = scopeOf(options);
    const { first, last } = this.bounds.get(deploymentId, deploymentId) ?? { first: null, last: null };
    if (first === null || last === null) return { matches: 0, scannedTo: options.since, lastLineNo: 0, truncated: false };
    const from = Math.max(options.since + 1, first);
    if (from > last) return { matches: 0, scannedTo: Math.max(options.since, last), lastLineNo: last, truncated: false };
    const state: ScanState = { scanned: 0, scannedTo: from - 1 };
    let matches = 0;
    this.scanBlocks(deploymentId, filter, streams, from, last, 'up', state, MAX_COUNT_SCAN_LINES, (rows) => {
      for (const row of rows) if (keeps(filter, streams, row)) matches++;
      return true;
    });
    return { matches, scannedTo: state.scannedTo, lastLineNo: last, truncated: state.scannedTo < last };
  }

  private compile(options: LineFilterOptions): CompiledLineFilter {
    const key = JSON.stringify([options.query, options.regex, options.caseSensitive, options.exclude]);
    let filter = this.compiled.get(key);
    if (filter) {
      this.compiled.delete(key);
    } else {
      filter = compileLineFilter(options);
      if (this.compiled.size >= COMPILED_FILTERS) this.compiled.delete(this.compiled.keys().next().value!);
    }
    this.compiled.set(key, filter);
    return filter;
  }

  /**
   * Visits the lines in [from, to] that may be kept (the prefilter applied), skipping the blocks the index
   * rules out. Each statement reads a run of consecutive blocks that may hold a kept line, `runLines()`
   * lines at most (a page asks for what its remaining matches need, so its last statement stops near its
   * last match instead of at the end of a block). Stops when `visit` returns false or `budget` lines
   * were scanned; keeps `state.scannedTo` at the edge of what was examined.
   */
  private scanBlocks(
    deploymentId: string,
    filter: CompiledLineFilter,
    scope: LineScope | undefined,
    from: number,
    to: number,
    direction: 'up' | 'down',
    state: ScanState,
    budget: number,
    visit: (rows: PageRow[]) => boolean,
    runLines: () => number = () => SEARCH_BLOCK_LINES,
  ): void {
    const services = scope?.services ? JSON.stringify([...scope.services]) : undefined;
    const prefilter = filter.prefilter;
    const statements = { fast: this.scanStatement(filter, 'fast', services !== undefined), safe: this.scanStatement(filter, 'safe', services !== undefined) };
    const candidateStatements = { fast: this.scanStatement(filter, 'fast', services !== undefined, true), safe: this.scanStatement(filter, 'safe', services !== undefined, true) };
    // The slices read per block: all the literal needs in the first block that has them, then only those that ruled out lines there.
    let needed = filter.requiredSlices;
    let neededJson = needed && JSON.stringify(needed);
    let adapted = false;
    const sliceCache = new Map<number, Uint8Array[] | undefined>();
    /** The block's slices the filter reads, or undefined when it has none (not full yet, or older than migration 014). */
    const slicesOf = (block: number): Uint8Array[] | undefined => {
      if (sliceCache.has(block)) return sliceCache.get(block);
      let found: [number, Buffer][] | undefined;
      // Called right after scanOf(block), which read the block's row: only a block marked sliced has slices to read.
      if (needed && neededJson && blocks.get(block)?.[3] === 1) {
        const rows = this.slicesOfBlock.all(deploymentId, block, neededJson) as unknown as [number, Buffer][];
        found = rows.length === needed.length ? rows : undefined;
        if (found && !adapted) {
          adapted = true;
          const useful = found.filter((row) => !nearlyFull(row[1]));
          if (useful.length < needed.length && useful.length > 0) {
            needed = useful.map((row) => row[0]);
            neededJson = JSON.stringify(needed);
          }
        }
      }
      sliceCache.set(block, found?.map((row) => row[1]));
      return sliceCache.get(block);
    };
    const parameters = { fast: prefilterParameters(prefilter, 'fast'), safe: prefilterParameters(prefilter, 'safe') };
    const candidateParameters = { fast: prefilterParameters(prefilter, 'fast', true), safe: prefilterParameters(prefilter, 'safe', true) };
    if (services !== undefined) for (const list of [...Object.values(parameters), ...Object.values(candidateParameters)]) list.push(services);
    const up = direction === 'up';
    const firstBlock = blockOfLine(from);
    const lastBlock = blockOfLine(to);
    let blocks = new Map<number, BitsRow>();
    let chunk = FIRST_BITS_CHUNK;
    let bitsUntil = up ? firstBlock - 1 : lastBlock + 1;
    /** How `block` is read: skipped when the index rules it out (reading its bitset, and the next ones, when needed). */
    const scanOf = (block: number): BlockScan => {
      if (!filter.requiredBits && !prefilter) return 'safe';
      if (up ? block > bitsUntil : block < bitsUntil) {
        // A first page often needs a few blocks, a rare match thousands: read 16 bitsets, then more each time.
        bitsUntil = up ? Math.min(lastBlock, block + chunk - 1) : Math.max(firstBlock, block - chunk + 1);
        chunk = Math.min(chunk * 4, MAX_BITS_CHUNK);
        const rows = (up ? this.bitsUp.all(deploymentId, block, bitsUntil) : this.bitsDown.all(deploymentId, bitsUntil, block)) as unknown as BitsRow[];
        blocks = new Map(rows.map((row) => [row[0], row]));
      }
      // A block without a stored bitset (lines older than the index) is always scanned, NUL-safe.
      const stored = blocks.get(block);
      if (!stored) return 'safe';
      if (filter.requiredBits && !blockMayContain(stored[1], filter.requiredBits)) return 'skip';
      return prefilter?.pattern !== undefined && stored[2] === 0 ? 'fast' : 'safe';
    };
    // The block's last line in the direction of the scan, clamped to [from, to].
    const farEdge = (block: number): number => (up ? Math.min(to, lastLineOfBlock(block)) : Math.max(from, firstLineOfBlock(block)));
    let position = up ? from : to;
    while (up ? position <= to : position >= from) {
      const block = blockOfLine(position);
      const how = scanOf(block);
      if (how === 'skip') {
        state.scannedTo = farEdge(block);
        position = state.scannedTo + (up ? 1 : -1);
        continue;
      }
      if (state.scanned >= budget) return;
      const wanted = Math.max(1, Math.min(budget - state.scanned, Math.floor(runLines())));
      const sliced = slicesOf(block) !== undefined;
      // Extend the run over the following blocks read the same way, until it has `wanted` lines.
      let edge = farEdge(block);
      for (
        let next = block + (up ? 1 : -1);
        Math.abs(edge - position) + 1 < wanted && (up ? next <= lastBlock : next >= firstBlock) && scanOf(next) === how && (slicesOf(next) !== undefined) === sliced;
        next += up ? 1 : -1
      ) {
        edge = farEdge(next);
      }
      edge = up ? Math.min(edge, position + wanted - 1) : Math.max(edge, position - wanted + 1);
      const low = Math.min(position, edge);
      const high = Math.max(position, edge);
      let candidates: number[] | undefined;
      if (sliced) {
        candidates = [];
        for (let each = blockOfLine(low); each <= blockOfLine(high); each++) candidates.push(...linesInAllSlices(slicesOf(each)!, each, low, high));
      }
      // Reading a line by its number costs about as much as stepping over SEEK_LINES lines in a range.
      const rows = (
        candidates && candidates.length * SEEK_LINES < high - low + 1
          ? candidateStatements[how].all(deploymentId, JSON.stringify(candidates), ...candidateParameters[how])
          : statements[how].all(deploymentId, low, high, ...parameters[how])
      ) as unknown as PageRow[];
      state.scanned += Math.abs(edge - position) + 1;
      state.scannedTo = edge;
      position = edge + (up ? 1 : -1);
      if (!visit(rows)) return;
    }
  }

  /** Lines in a range (`line_no BETWEEN ? AND ?`) or, `byNumbers`, the lines of a JSON array of lineNos, with the filter's conditions. */
  private scanStatement(filter: CompiledLineFilter, how: 'fast' | 'safe', byService: boolean, byNumbers = false): Statement<unknown[], PageRow> {
    const conditions = [
      byNumbers ? ' AND line_no IN (SELECT value FROM json_each(?))' : ' AND line_no BETWEEN ? AND ?',
      prefilterCondition(filter.prefilter, how, byNumbers),
      // Field terms only ever match JSON objects: a cheap first-character test in SQLite.
      filter.jsonOnly ? " AND substr(text, 1, 1) = '{'" : '',
      // A stack's services, as one JSON array: one statement whatever their number.
      byService ? ' AND service IN (SELECT value FROM json_each(?))' : '',
    ].join('');
    let statement = this.scans.get(conditions);
    if (!statement) {
      statement = this.db.prepare<unknown[], PageRow>(`SELECT ${PAGE_COLUMNS} FROM log_lines WHERE deployment_id = ?${conditions} ORDER BY line_no`).raw(true);
      this.scans.set(conditions, statement);
    }
    return statement;
  }

  /** The kept rows as lines, with up to `context` lines either side of each (merged, each line once). */
  private withContext(deploymentId: string, kept: readonly PageRow[], context: number, streams: LineScope | undefined, lastLineNo: number): LogLine[] {
    if (context === 0) return kept.map((row) => fromPageRow(deploymentId, row));
    const lines: LogLine[] = [];
    let index = 0;
    while (index < kept.length) {
      const low = Math.max(1, kept[index]![0] - context);
      let high = Math.min(lastLineNo, kept[index]![0] + context);
      // Merge every following match whose context touches this range.
      while (index + 1 < kept.length && kept[index + 1]![0] - context <= high + 1) {
        index++;
        high = Math.min(lastLineNo, kept[index]![0] + context);
      }
      index++;
      for (const row of this.rangeRows.all(deploymentId, low, high) as unknown as PageRow[]) if (inScope(streams, row)) lines.push(fromPageRow(deploymentId, row));
    }
    return lines;
  }
}

/**
 * A slice with nearly every line of its block: one of the literal's trigrams is on nearly every line (` by`,
 * `tes`), so reading it for the next blocks would rule out next to nothing. Skipping it only adds candidates.
 */
function nearlyFull(slice: Uint8Array): boolean {
  let set = 0;
  for (const byte of slice) set += BYTE_BITS[byte]!;
  return set >= NEARLY_FULL * slice.length * 8;
}
const NEARLY_FULL = 0.95;
const BYTE_BITS = Uint8Array.from({ length: 256 }, (_, byte) => byte.toString(2).replaceAll('0', '').length);

/** Lines a range scan steps over in the time of reading one line by its number (measured: about 15). */
const SEEK_LINES = 16;

/** A page's first statement reads one block; most filters keep a line in the first few. */
const FIRST_RUN_LINES = SEARCH_BLOCK_LINES;
/** At most this many lines per statement (its rows are held at once). */
const MAX_RUN_LINES = 16 * SEARCH_BLOCK_LINES;
/**
 * A page reads 90% of the lines its remaining matches should take at the density seen so far: reading past
 * its last match costs more (about 0.2 µs a line) than another statement for the few matches still missing.
 */
const RUN_SHARE = 0.9;
const MIN_RUN_LINES = 256;

/**
 * How many lines a page's next statement reads: with none kept yet, four times what was read (a rare match
 * needs many lines); else most of what the `wanted` matches take at the density seen so far.
 */
function runLinesFor(wanted: number, found: number, scanned: number): number {
  if (scanned === 0) return FIRST_RUN_LINES;
  if (found === 0) return Math.min(MAX_RUN_LINES, 4 * scanned);
  return Math.min(MAX_RUN_LINES, Math.max(MIN_RUN_LINES, Math.ceil((wanted * scanned * RUN_SHARE) / found)));
}

/** The streams, levels and services a page keeps (matches and context alike); undefined: all of them. */
interface LineScope {
  readonly streams: ReadonlySet<number> | undefined;
  readonly levels: ReadonlySet<LogLevel> | undefined;
  readonly services: ReadonlySet<string> | undefined;
}

function keeps(filter: CompiledLineFilter, scope: LineScope | undefined, row: PageRow): boolean {
  return inScope(scope, row) && filter.test(row[6]);
}

function inScope(scope: LineScope | undefined, row: PageRow): boolean {
  if (!scope) return true;
  if (scope.streams && !scope.streams.has(row[2])) return false;
  if (scope.services && (row[9] === null || !scope.services.has(row[9]))) return false;
  // A line stored before levels were kept (NULL) has its level detected as it is read.
  return !scope.levels || scope.levels.has(storedLevel(row[8], LOG_STREAMS[row[2]] ?? 'system', row[6]));
}

function scopeOf(options: {
  readonly streams?: readonly LogStream[] | undefined;
  readonly levels?: readonly LogLevel[] | undefined;
  readonly services?: readonly string[] | undefined;
}): LineScope | undefined {
  const streams = !options.streams || options.streams.length === 0 || options.streams.length === LOG_STREAMS.length ? undefined : new Set(options.streams.map((stream) => LOG_STREAMS.indexOf(stream)));
  const levels = !options.levels || options.levels.length === 0 || options.levels.length === LOG_LEVELS.length ? undefined : new Set(options.levels);
  // An empty list of services keeps no line (unlike streams and levels, there is no "all of them" to fall back on).
  const services = options.services ? new Set(options.services) : undefined;
  return streams || levels || services ? { streams, levels, services } : undefined;
}

/**
 * The SQL that drops lines without the prefilter's literal. Fast: GLOB or LIKE from the literal's rarest
 * character (then the whole literal, when the pattern does not hold it). Safe, for blocks that may hold a NUL:
 * instr, which reads a text's every byte, on the text or (like) its ASCII-lowered copy.
 */
function prefilterCondition(prefilter: Prefilter | undefined, how: 'fast' | 'safe', byNumbers = false): string {
  if (!prefilter) return '';
  if (how === 'safe') return prefilter.kind === 'instr' ? ' AND instr(text, ?) > 0' : ' AND instr(lower(text), ?) > 0';
  const shadow = prefilter.shadow === undefined ? '' : ' AND text GLOB ?';
  // Lines read by number are few: the shadow alone (it holds the literal) costs less than three tests on each.
  if (byNumbers && shadow) return shadow;
  const glob = prefilter.kind === 'instr' ? ' AND text GLOB ?' : " AND text LIKE ? ESCAPE '\\'";
  if (prefilter.whole) return glob + shadow;
  return glob + (prefilter.kind === 'instr' ? ' AND instr(text, ?) > 0' : " AND text LIKE ? ESCAPE '\\'") + shadow;
}

/** The parameters of `prefilterCondition`, in order. */
function prefilterParameters(prefilter: Prefilter | undefined, how: 'fast' | 'safe', byNumbers = false): unknown[] {
  if (!prefilter) return [];
  // SQLite's lower() folds ASCII A–Z only, as LIKE does; a `like` literal is ASCII.
  if (how === 'safe') return [prefilter.kind === 'instr' ? prefilter.literal : prefilter.literal.toLowerCase()];
  const shadow = prefilter.shadow === undefined ? [] : [prefilter.shadow];
  if (byNumbers && prefilter.shadow !== undefined) return shadow;
  if (prefilter.whole) return [prefilter.pattern!, ...shadow];
  return [prefilter.pattern!, prefilter.kind === 'instr' ? prefilter.literal : likePattern(prefilter.literal), ...shadow];
}

/** `%literal%` with LIKE's own wildcards escaped. */
const likePattern = (literal: string): string => `%${literal.replace(/[\\%_]/g, '\\$&')}%`;

const filters = new WeakMap<Database, LogFilter>();

/** The filter of a database, its statements prepared once. */
export function logFilterFor(db: Database): LogFilter {
  let filter = filters.get(db);
  if (!filter) filters.set(db, (filter = new LogFilter(db)));
  return filter;
}
