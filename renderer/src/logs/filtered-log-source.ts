// Filter mode's lines (docs/product-rules.md, "Filter mode"): the kept lines of the whole stored history
// and their context, paged from the engine newest first (`before`), further back on "Load earlier", and
// forward from the last scan as live lines arrive. The engine's matcher decides every line; this module
// only keeps what the engine answered, keyed by lineNo, and says where the hidden ranges are.
import type { LogLevel, LogLine, LogPage, LogStream, RequestInput, Result } from '../../../shared';

/** The filter as the search bar sets it. */
export interface FilterQuery {
  readonly text: string;
  readonly regex: boolean;
  readonly caseSensitive: boolean;
  readonly exclude: boolean;
  /** Lines shown before and after each kept line (the engine allows 0–50). */
  readonly context: number;
}

/** Context choices offered in the search bar. */
export const CONTEXT_CHOICES: readonly number[] = [0, 1, 3, 5, 10];
/** Kept lines asked for per page (a page holds at most 5,000 lines with their context). */
const PAGE_KEPT = 200;
/**
 * Lines held (and drawn) at most, as the normal viewer's window is bounded: live lines let the oldest go
 * (Load earlier reads them again), an earlier page lets the newest go (Back to live reads them again).
 */
export const FILTERED_MAX_LINES = 10_000;
/** Backward pages read in one go while they find nothing (each is bounded work on the engine). */
const EMPTY_PAGES_IN_A_ROW = 8;

/** What the terminal shows in filter mode, in order. */
export type FilteredRow =
  | { readonly kind: 'line'; readonly line: LogLine; readonly kept: boolean }
  | { readonly kind: 'gap'; readonly hidden: number; readonly fromLineNo: number; readonly toLineNo: number };

/** A getLogs request without the deployment id (the controller adds it). */
export type FilterPageInput = Omit<RequestInput<'getLogs'>, 'id'>;
type FilterParams = Pick<FilterPageInput, 'filter' | 'regex' | 'caseSensitive' | 'exclude' | 'context' | 'stream' | 'level' | 'service'>;

/** The streams, levels and stack services the viewer shows, as the engine's `stream`, `level` and `service` parameters (absent: all). */
export type LineScopeParams = Pick<FilterPageInput, 'stream' | 'level' | 'service'>;

/**
 * The scope parameters of a stream list, a level list and a list of stack services; null (or every stream or
 * level) means no parameter. Services go as one comma list (a name holds no comma: the engine refuses one).
 */
export function scopeParams(streams: readonly LogStream[] | null, levels: readonly LogLevel[] | null = null, services: readonly string[] | null = null): LineScopeParams {
  return {
    ...(streams ? { stream: streams.join(',') } : {}),
    ...(levels ? { level: levels.join(',') } : {}),
    ...(services && services.length > 0 ? { service: services.join(',') } : {}),
  };
}

/** The request parameters every filtered page shares (filter text, flags, context, streams and levels). */
export function filterParams(query: FilterQuery, scope: LineScopeParams): FilterParams {
  return {
    filter: query.text,
    regex: query.regex ? 'true' : 'false',
    caseSensitive: query.caseSensitive ? 'true' : 'false',
    exclude: query.exclude ? 'true' : 'false',
    context: query.context,
    ...scope,
  };
}

/**
 * Rows for the lines held: the lines in order, a gap row where lineNos skip (lines the filter hid),
 * and a leading gap for what lies before the first held line once the scan reached the start.
 */
export function filteredRows(lines: readonly LogLine[], kept: ReadonlySet<number>, options: { readonly startReached: boolean }): FilteredRow[] {
  const rows: FilteredRow[] = [];
  let previous = options.startReached ? 0 : (lines[0]?.lineNo ?? 1) - 1;
  for (const line of lines) {
    if (line.lineNo > previous + 1) rows.push({ kind: 'gap', hidden: line.lineNo - previous - 1, fromLineNo: previous + 1, toLineNo: line.lineNo - 1 });
    rows.push({ kind: 'line', line, kept: kept.has(line.lineNo) });
    previous = line.lineNo;
  }
  return rows;
}

export interface FilteredChange {
  /** Lines added after every line held before (live): the terminal can append them. */
  readonly appended: readonly LogLine[];
  /** Lines added elsewhere (earlier pages, context completed): the terminal redraws. */
  readonly redraw: boolean;
  /** Kept lineNos that were not kept lines before (for the match count). */
  readonly newKept: readonly number[];
}

export class FilteredLogSource {
  private byLineNo = new Map<number, LogLine>();
  private ordered: LogLine[] = [];
  private readonly keptLineNos = new Set<number>();
  /** The next backward page's `before`; null once the scan reached the start. */
  private earlierBefore: number | null = null;
  /** Where the forward scan got to: live pages continue from here. */
  private forwardFrom = 0;
  private latestLoaded = false;
  /** Newer lines were let go to hold earlier ones: live pages wait until the newest are read again. */
  private detached = false;
  /** The engine's message for a bad filter (RE2, field term), shown in the search bar. */
  error: string | null = null;

  constructor(
    private readonly request: (input: FilterPageInput) => Promise<Result<LogPage>>,
    readonly query: FilterQuery,
    private readonly scope: LineScopeParams,
    private readonly maxLines = FILTERED_MAX_LINES,
  ) {}

  /** True once newer lines were let go for earlier ones (see FILTERED_MAX_LINES). */
  get newerDropped(): boolean {
    return this.detached;
  }

  get lines(): readonly LogLine[] {
    return this.ordered;
  }

  get kept(): ReadonlySet<number> {
    return this.keptLineNos;
  }

  get hasEarlier(): boolean {
    return this.latestLoaded && this.earlierBefore !== null;
  }

  /** The lowest lineNo the backward scan has examined (for "Load earlier"'s banner). */
  get scannedBackTo(): number {
    return this.earlierBefore ?? 1;
  }

  get rows(): FilteredRow[] {
    return filteredRows(this.ordered, this.keptLineNos, { startReached: this.earlierBefore === null });
  }

  /** The newest kept lines: backward from the end, past pages that find nothing (bounded). */
  async loadLatest(): Promise<boolean> {
    const first = await this.page({ before: Number.MAX_SAFE_INTEGER });
    if (!first) return false;
    this.forwardFrom = first.lastLineNo;
    this.latestLoaded = true;
    this.earlierBefore = first.truncated && first.scannedTo > 1 ? first.scannedTo : null;
    const added = this.merge(first);
    this.keepNewest();
    return added.length > 0 || (await this.loadEarlier());
  }

  /**
   * The kept lines before those held, from where the backward scan stopped. A page that found nothing
   * (its work bound hit first) is followed by the next, a few at most. False on an error.
   */
  async loadEarlier(): Promise<boolean> {
    for (let pages = 0; this.earlierBefore !== null && pages < EMPTY_PAGES_IN_A_ROW; pages += 1) {
      const page = await this.page({ before: this.earlierBefore });
      if (!page) return false;
      this.earlierBefore = page.truncated && page.scannedTo > 1 ? page.scannedTo : null;
      if (this.merge(page).length > 0) break;
    }
    if (this.ordered.length > this.maxLines) {
      this.forget(this.ordered.slice(this.maxLines));
      this.ordered = this.ordered.slice(0, this.maxLines);
      this.detached = true;
    }
    return true;
  }

  /**
   * New kept lines after the last scan (live lines arrived). Starts `context` lines before it, so the
   * after-context of a kept line at the edge is completed; lines already held are skipped by lineNo.
   */
  async loadNewer(): Promise<FilteredChange | null> {
    if (!this.latestLoaded || this.detached) return null;
    const lastHeld = this.ordered.at(-1)?.lineNo ?? 0;
    const appended: LogLine[] = [];
    const newKept: number[] = [];
    let redraw = false;
    for (let pages = 0; pages < EMPTY_PAGES_IN_A_ROW; pages += 1) {
      const page = await this.page({ since: Math.max(0, this.forwardFrom - this.query.context) });
      if (!page) return null;
      for (const lineNo of page.matches) if (!this.keptLineNos.has(lineNo)) newKept.push(lineNo);
      const added = this.merge(page);
      for (const line of added) {
        if (line.lineNo > lastHeld) appended.push(line);
        else redraw = true;
      }
      // A kept line already held as context becomes a kept line: redraw to show it as one.
      redraw ||= page.matches.some((lineNo) => lineNo <= lastHeld);
      this.forwardFrom = Math.max(this.forwardFrom, page.scannedTo);
      if (!page.truncated) break;
    }
    redraw = this.keepNewest() || redraw;
    return { appended, redraw, newKept };
  }

  private async page(position: { readonly before: number } | { readonly since: number }): Promise<Required<Pick<LogPage, 'lines' | 'lastLineNo'>> & { matches: number[]; scannedTo: number; truncated: boolean } | null> {
    const result = await this.request({ ...filterParams(this.query, this.scope), ...position, limit: PAGE_KEPT });
    if (!result.ok) {
      this.error = result.error.message;
      return null;
    }
    this.error = null;
    const value = result.value;
    return { lines: value.lines, lastLineNo: value.lastLineNo, matches: value.matches ?? [], scannedTo: value.scannedTo ?? value.lastLineNo, truncated: value.truncated ?? false };
  }

  /** Lets the oldest lines go past the bound (Load earlier reads them again); true when it did. */
  private keepNewest(): boolean {
    const excess = this.ordered.length - this.maxLines;
    if (excess <= 0) return false;
    this.forget(this.ordered.slice(0, excess));
    this.ordered = this.ordered.slice(excess);
    this.earlierBefore = this.ordered[0]!.lineNo;
    return true;
  }

  private forget(lines: readonly LogLine[]): void {
    for (const line of lines) {
      this.byLineNo.delete(line.lineNo);
      this.keptLineNos.delete(line.lineNo);
    }
  }

  /** Adds a page's lines (deduped by lineNo, kept lines marked); returns the lines that were new. */
  private merge(page: { readonly lines: readonly LogLine[]; readonly matches: readonly number[] }): LogLine[] {
    for (const lineNo of page.matches) this.keptLineNos.add(lineNo);
    const added: LogLine[] = [];
    for (const line of page.lines) {
      if (this.byLineNo.has(line.lineNo)) continue;
      this.byLineNo.set(line.lineNo, line);
      added.push(line);
    }
    if (added.length === 0) return added;
    const lastHeld = this.ordered.at(-1)?.lineNo ?? 0;
    if (added[0]!.lineNo > lastHeld) this.ordered.push(...added);
    else this.ordered = [...this.byLineNo.values()].sort((a, b) => a.lineNo - b.lineNo);
    return added;
  }
}
