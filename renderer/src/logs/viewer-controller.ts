// The log viewer's behaviour, outside React: subscription and paging, the bounded window, what is
// written to the terminal, jumps, errors across the run, copy and download. React renders the
// toolbar and panels from `state` and calls these methods; no per-line work goes through React.
import { isErrorLevel, isErrorLine, isErrorLogLine } from '../../../shared/error-lines';
import { eventHeads } from '../../../shared/log-events';
import { parseTrimMarker } from '../../../shared/log-trim';
import { LOG_LEVELS, LOG_STREAMS, type BerthApi, type LogGap, type LogLevel, type LogLine, type LogSnapshot, type LogStream, type RunDetail } from '../../../shared';
import { formatGapMarker, formatLine, formatStepHeader, formatTrimMarker, plainLine } from './line-format';
import { LogTerminal, NOT_A_LINE, type RendererKind } from './log-terminal';
import { LogWindow } from './log-window';
import { FilteredLogSource, filterParams, filteredRows, scopeParams, type FilteredRow, type FilterQuery, type LineScopeParams } from './filtered-log-source';
import { filterHighlight } from './filter-display';
import { StreamGap } from './stream-gap';
import { serviceTagWidth } from './service-tag';
import { adjacentError, failedStep, scanRunErrors, withLiveErrors, type RunErrors } from './run-errors';

/** Lines the viewer holds in memory (and writes to the terminal). Older ones are paged in on demand. */
export const WINDOW_LINES = 5000;
/** Lines the snapshot replays on open. */
export const TAIL_LINES = 2000;
const PAGE_LINES = 2000;
/** Lines loaded before a jump target, so it has context above it. */
const CONTEXT_BEFORE = 1000;
/** How far around a marked line its event is looked for (a longer trace is copied from there). */
const EVENT_LOOKBACK = 200;
/** Filter mode asks the engine for new kept lines at most this often while live lines arrive (4 per second). */
const FILTER_REFRESH_MS = 250;
/** Error lines marked on the scrollbar per full redraw. */
const RULER_MARK_LIMIT = 200;

interface LineMark {
  readonly lineNo: number;
  readonly rootCause: boolean;
  readonly focus?: boolean;
}

export interface ViewerSettings {
  readonly timestamps: boolean;
  readonly follow: boolean;
  readonly wrap: boolean;
  readonly streams: Readonly<Record<LogStream, boolean>>;
  /** Levels shown (a line's detected level; `unknown` when it has none). */
  readonly levels: Readonly<Record<LogLevel, boolean>>;
  /**
   * A Compose stack: the services shown (docs/product-rules.md "Compose stacks: services in logs and metrics");
   * null shows every line. With a list, a line without a service (the stack's own) is hidden too.
   */
  readonly services: readonly string[] | null;
}

/** The match count of filter mode (docs/product-rules.md, "Filter mode"): at least `matches` when truncated. */
export interface FilterCount {
  readonly matches: number;
  readonly truncated: boolean;
  /** Where the count got to; "count more" continues from here. */
  readonly scannedTo: number;
}

export interface FilterState {
  readonly query: FilterQuery;
  /** The first pages are being read. */
  readonly loading: boolean;
  /** The engine refused the filter (a bad RE2 pattern or field term), in its words. */
  readonly error: string | null;
  readonly count: FilterCount | null;
  readonly counting: boolean;
  /** Kept lines held in the terminal. */
  readonly shownKept: number;
  /** Newer lines were let go to show earlier ones: "Back to live" reads the newest again. */
  readonly newerDropped: boolean;
}

export interface ViewerState {
  readonly connected: boolean;
  readonly message: string | null;
  readonly busy: string | null;
  readonly settings: ViewerSettings;
  readonly run: RunDetail | null;
  readonly windowFirst: number;
  readonly windowLast: number;
  readonly windowSize: number;
  readonly knownLast: number;
  readonly hasEarlier: boolean;
  readonly atTail: boolean;
  /** Lines after the window (not at tail) or held back while paused. */
  readonly notShown: number;
  /**
   * The stream fell behind the live end (a gap): pushes stopped and the missing lines are being
   * loaded from storage. Null once the stream has caught up and the window holds what it sent.
   */
  readonly behind: { readonly fromLineNo: number; readonly notLoaded: number } | null;
  readonly errors: { readonly count: number; readonly complete: boolean; readonly rootCause: RunErrors['rootCause'] } | null;
  readonly focus: { readonly lineNo: number; readonly label: string } | null;
  readonly renderer: RendererKind;
  /** Filter mode: the terminal shows only kept lines and their context. Null in the normal viewer. */
  readonly filter: FilterState | null;
  /** Bumped when the viewer leaves filter mode by itself (to show a line the filter hides). */
  readonly filterExits: number;
}

export const DEFAULT_SETTINGS: ViewerSettings = {
  timestamps: false,
  follow: true,
  wrap: true,
  streams: { stdout: true, stderr: true, system: true },
  levels: { trace: true, debug: true, info: true, warn: true, error: true, fatal: true, unknown: true },
  services: null,
};

// Every pattern of shared/error-lines.ts needs one of these words, so a line without any of them
// cannot be an error line: one regex instead of fifteen on the hot path. Keep it a superset.
const ERROR_HINT = /err|fail|fatal|panic|exception|traceback|exit|non-zero|not found|segmentation|oom|out of memory/i;

/** isErrorLogLine, with a cheap pre-check for the common line that mentions nothing like a failure. */
export function looksLikeError(line: Pick<LogLine, 'text' | 'level'>): boolean {
  return isErrorLevel(line.level) || (ERROR_HINT.test(line.text) && isErrorLine(line.text));
}

function groupKey(line: LogLine): string {
  return line.runId ? `${line.runId}/${line.step ?? ''}` : line.source;
}

export class ViewerController {
  readonly terminal: LogTerminal;
  private readonly window = new LogWindow(WINDOW_LINES);
  private settings: ViewerSettings;
  private run: RunDetail | null = null;
  private runFromProps = false;
  private errors: RunErrors | null = null;
  private errorScanKey = '';
  private errorScan = { cancelled: false };
  private focus: ViewerState['focus'] = null;
  private focusRow = -1;
  /** Removes the focus line's highlight (one marked line at a time). */
  private unmarkFocus: () => void = () => undefined;
  private connected = false;
  private message: string | null = null;
  private busy: string | null = null;
  private writtenThrough = 0;
  private lastGroup: string | null = null;
  private filling = false;
  private readonly streamGap = new StreamGap();
  private disposed = false;
  private unsubscribe: (() => void) | undefined;
  private readonly listeners = new Set<() => void>();
  private emitFrame = 0;
  private state: ViewerState;
  // Filter mode: a separate source of lines (filtered-log-source.ts); the window above keeps following
  // the live log meanwhile, so leaving filter mode shows the normal viewer where it was.
  private filtered: FilteredLogSource | null = null;
  private filterLoading = false;
  private filterCount: FilterCount | null = null;
  /** Kept lineNos after the count's scannedTo (live lines, or pages read after the count): added to it. */
  private filterCountedLater = new Set<number>();
  private filterCounting = false;
  private filterExits = 0;
  private filterRefreshTimer: ReturnType<typeof setTimeout> | undefined;
  private filterRefreshRunning = false;
  private filterRefreshAgain = false;
  private filterRefreshedAt = 0;
  /** The stack's service tag column width (service-tag.ts), 0 for a deployment that is not a stack. */
  private serviceWidth = 0;

  constructor(
    private readonly api: BerthApi,
    readonly deploymentId: string,
    host: HTMLElement,
    options: { readonly settings?: Partial<ViewerSettings>; readonly preferDom?: boolean } = {},
  ) {
    this.settings = { ...DEFAULT_SETTINGS, ...options.settings };
    this.terminal = new LogTerminal(host, { preferDom: options.preferDom ?? false, onOverflow: () => this.renderAll() });
    this.state = this.snapshotState();
  }

  start(): void {
    this.unsubscribe = this.api.subscribeLogs(
      { deploymentId: this.deploymentId, tail: TAIL_LINES },
      {
        onSnapshot: (snapshot) => this.onSnapshot(snapshot),
        onBatch: (batch) => this.ingest(batch.lines),
        onGap: (gap) => this.onGap(gap),
        onCaughtUp: (caughtUp) => {
          this.streamGap.caughtUp(caughtUp.lineNo);
          this.emit();
        },
        onError: (message) => {
          this.connected = false;
          this.message = message;
          this.emit();
        },
      },
    );
  }

  dispose(): void {
    this.disposed = true;
    this.errorScan.cancelled = true;
    this.unsubscribe?.();
    clearTimeout(this.filterRefreshTimer);
    if (this.emitFrame !== 0) cancelAnimationFrame(this.emitFrame);
    this.terminal.dispose();
  }

  // ---- state for React ----

  get current(): ViewerState {
    return this.state;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Publishes state at most once per frame. */
  private emitNow(): void {
    if (this.disposed) return;
    if (this.emitFrame !== 0) cancelAnimationFrame(this.emitFrame);
    this.emitFrame = 0;
    this.state = this.snapshotState();
    for (const listener of this.listeners) listener();
  }

  private emit(): void {
    if (this.emitFrame !== 0 || this.disposed) return;
    this.emitFrame = requestAnimationFrame(() => {
      this.emitFrame = 0;
      this.state = this.snapshotState();
      for (const listener of this.listeners) listener();
    });
  }

  private snapshotState(): ViewerState {
    const window = this.window;
    const gap = this.streamGap.current(window.last);
    const filtered = this.filtered;
    if (filtered) {
      return {
        ...this.windowState(),
        windowFirst: filtered.scannedBackTo,
        hasEarlier: filtered.hasEarlier,
        notShown: 0,
        behind: null,
        filter: {
          query: filtered.query,
          loading: this.filterLoading,
          error: filtered.error,
          count: this.filterCount && { ...this.filterCount, matches: this.filterCount.matches + this.filterCountedLater.size },
          counting: this.filterCounting,
          shownKept: filtered.kept.size,
          newerDropped: filtered.newerDropped,
        },
      };
    }
    return { ...this.windowState(), notShown: window.atTail ? Math.max(0, window.last - this.writtenThrough) : window.missingAfter, behind: gap && window.atTail ? { fromLineNo: gap.fromLineNo, notLoaded: window.missingAfter } : null };
  }

  private windowState(): ViewerState {
    const window = this.window;
    return {
      connected: this.connected,
      message: this.message,
      busy: this.busy,
      settings: this.settings,
      run: this.run,
      windowFirst: window.first,
      windowLast: window.last,
      windowSize: window.size,
      knownLast: window.knownLast,
      hasEarlier: window.hasEarlier,
      atTail: window.atTail,
      notShown: 0,
      behind: null,
      errors: this.errors ? { count: this.errors.lineNos.length, complete: this.errors.complete, rootCause: this.errors.rootCause } : null,
      focus: this.focus,
      renderer: this.terminal.renderer,
      filter: null,
      filterExits: this.filterExits,
    };
  }

  // ---- data in ----

  private onSnapshot(snapshot: LogSnapshot): void {
    this.connected = true;
    this.message = null;
    this.streamGap.restarted(snapshot.lastLineNo);
    if (!this.runFromProps && snapshot.activeRun) this.updateRun(snapshot.activeRun, false);
    this.window.noteKnown(snapshot.lastLineNo);
    this.ingest(snapshot.lines);
    if (this.window.atTail && this.window.last < this.window.knownLast) void this.fillGap();
    this.emit();
  }

  private onGap(gap: LogGap): void {
    this.streamGap.opened(gap);
    this.window.noteKnown(gap.toLineNo);
    void this.fillGap();
    // Show the marker at once: catching up can take less than a frame.
    this.emitNow();
  }

  private ingest(lines: readonly LogLine[]): void {
    if (this.disposed) return;
    const result = this.window.acceptLive(lines);
    if (this.errors && this.run) this.errors = withLiveErrors(this.errors, lines, this.run);
    if (result.gap) void this.fillGap();
    if (result.appended.length > 0) this.writeNew();
    this.emit();
  }

  /** Pages `since = last` until the window reaches the known end (after a hole or a `behind` gap). */
  private async fillGap(): Promise<void> {
    if (this.filling) return;
    this.filling = true;
    try {
      while (!this.disposed && this.window.atTail && this.window.last < this.window.knownLast) {
        const page = await this.api.request('getLogs', { id: this.deploymentId, since: this.window.last, limit: PAGE_LINES });
        if (this.disposed || !page.ok || page.value.lines.length === 0) break;
        if (!this.window.atTail) break;
        const appended = this.window.acceptPage(page.value.lines, page.value.lastLineNo);
        if (this.errors && this.run) this.errors = withLiveErrors(this.errors, appended, this.run);
        if (appended.length === 0) break;
        this.writeNew();
        this.emit();
      }
    } finally {
      this.filling = false;
    }
  }

  /** Writes window lines not yet in the terminal, unless the view is paused. */
  private writeNew(): void {
    if (this.filtered) {
      // The terminal shows the filtered lines: ask the engine which of the new lines the filter keeps.
      this.scheduleFilterRefresh();
      return;
    }
    if (!this.settings.follow) {
      // A long pause detaches from the live end instead of holding an unbounded backlog.
      if (this.window.last - this.writtenThrough > WINDOW_LINES / 2) this.window.detach();
      return;
    }
    const fresh = this.window.after(this.writtenThrough);
    if (fresh.length === 0) return;
    if (this.window.first > this.writtenThrough + 1 && this.writtenThrough > 0) {
      // The unwritten lines were trimmed from the window meanwhile: redraw rather than leave a silent hole.
      this.renderAll();
      return;
    }
    const marks = this.writeLines(fresh, false);
    this.writtenThrough = this.window.last;
    void this.decorateWritten(marks);
  }

  // ---- rendering ----

  /**
   * Queues lines for the terminal and returns the ones to decorate once written: the root cause
   * always, error lines (scrollbar marks) only when `markErrors` (full redraws; live appends skip
   * them because each decoration costs on every refresh).
   */
  private writeLines(lines: readonly LogLine[], markErrors: boolean, kept: ReadonlySet<number> | null = null, highlight: RegExp | null = null): LineMark[] {
    const marks: LineMark[] = [];
    const { timestamps, wrap } = this.settings;
    const rootCause = this.errors?.rootCause?.lineNo;
    const columns = this.terminal.columns;
    const run = this.run;
    // Three shapes of options, built once per call rather than once per line.
    const plain = { timestamps, wrap, columns, error: false, rootCause: false, highlight, serviceWidth: this.serviceWidth };
    const errorLine = { ...plain, error: true };
    const rootCauseLine = { ...plain, error: true, rootCause: true };
    const contextLine = { ...plain, context: true, highlight: null };
    for (const line of lines) {
      // A log-budget trim is drawn as a gap marker whatever the stream filter: the history has a hole here.
      const trim = parseTrimMarker(line);
      if (trim) {
        this.terminal.append(formatTrimMarker(trim), line.lineNo);
        continue;
      }
      if (!this.shows(line)) continue;
      const key = groupKey(line);
      if (key !== this.lastGroup) {
        this.lastGroup = key;
        const name = line.step ?? (line.source === 'runtime' ? 'runtime' : 'deploy');
        const sameRun = run !== null && line.runId === run.id;
        const step = sameRun ? run.steps.find((candidate) => candidate.name === line.step) : undefined;
        const label = line.runId && !sameRun ? `${name} · earlier run ${line.runId.slice(0, 8)}` : name;
        this.terminal.append(formatStepHeader(label, step), NOT_A_LINE);
      }
      if (kept && !kept.has(line.lineNo)) {
        this.terminal.append(formatLine(line, contextLine), line.lineNo);
        continue;
      }
      const error = looksLikeError(line);
      const isRootCause = error && line.lineNo === rootCause;
      this.terminal.append(formatLine(line, isRootCause ? rootCauseLine : error ? errorLine : plain), line.lineNo);
      if (line.lineNo === rootCause) marks.push({ lineNo: line.lineNo, rootCause: true });
      else if (error && markErrors && marks.length < RULER_MARK_LIMIT) marks.push({ lineNo: line.lineNo, rootCause: false });
    }
    return marks;
  }

  /** Redraws the whole window (filters, toggles, jumps, paging earlier, overflow). */
  renderAll(): void {
    if (this.filtered) {
      this.renderFiltered(this.filtered);
      return;
    }
    const terminal = this.terminal;
    const window = this.window;
    terminal.reset();
    this.lastGroup = null;
    this.focusRow = -1;
    this.unmarkFocus = () => undefined;
    if (window.hasEarlier) {
      terminal.append(formatGapMarker(`lines before ${window.first} are stored but not loaded: scroll up or press “Load earlier”`), NOT_A_LINE);
    }
    const marks = this.writeLines(window.lines, true);
    this.writtenThrough = window.last;
    // The marked line (a jump, a link, a click) stays marked through a redraw (paging, filters).
    const focused = this.focus?.lineNo;
    if (focused !== undefined && window.has(focused)) marks.push({ lineNo: focused, rootCause: false, focus: true });
    if (!window.atTail && window.missingAfter > 0) {
      terminal.append(formatGapMarker(`newer lines after ${window.last} are stored but not loaded: press “Back to live”`), NOT_A_LINE);
    }
    void this.decorateWritten(marks);
    this.emit();
  }

  // ---- filter mode ----

  /** The stream and level toggles as the engine's `stream` and `level` parameters (absent when all are shown). */
  private shownScope(): LineScopeParams {
    const streams = LOG_STREAMS.filter((stream) => this.settings.streams[stream]);
    const levels = LOG_LEVELS.filter((level) => this.settings.levels[level] !== false);
    return scopeParams(streams.length === LOG_STREAMS.length || streams.length === 0 ? null : streams, levels.length === LOG_LEVELS.length || levels.length === 0 ? null : levels, this.settings.services);
  }

  /**
   * Enters filter mode with `query` (or changes it), or leaves it with null: the normal viewer comes
   * back at the marked line, or at the tail when following.
   */
  async setFilter(query: FilterQuery | null): Promise<void> {
    clearTimeout(this.filterRefreshTimer);
    this.filterRefreshTimer = undefined;
    if (query === null) {
      if (!this.filtered) return;
      this.filtered = null;
      this.filterCount = null;
      this.renderAll();
      await this.terminal.whenWritten();
      const focused = this.focus?.lineNo;
      const row = focused === undefined ? -1 : this.terminal.rowOfLine(focused);
      if (row >= 0) this.terminal.scrollToRow(row);
      else this.terminal.terminal.scrollToBottom();
      this.emitNow();
      return;
    }
    const source = new FilteredLogSource((input) => this.api.request('getLogs', { id: this.deploymentId, ...input }), query, this.shownScope());
    this.filtered = source;
    this.filterLoading = true;
    this.filterCount = null;
    this.filterCountedLater = new Set();
    this.renderFiltered(source);
    this.emitNow();
    void this.countFiltered(source, 0, 0);
    await source.loadLatest();
    if (this.filtered !== source || this.disposed) return;
    this.filterLoading = false;
    this.countKeptLater(source.kept);
    this.renderAll();
    await this.terminal.whenWritten();
    if (this.filtered !== source) return;
    this.terminal.terminal.scrollToBottom();
    // Live lines may have arrived while the first pages were read.
    this.scheduleFilterRefresh();
    this.emit();
  }

  /** Counts the kept lines from `since` on, adding to `base` (a truncated count continued). */
  private async countFiltered(source: FilteredLogSource, since: number, base: number): Promise<void> {
    const { query } = source;
    this.filterCounting = true;
    this.emit();
    const result = await this.api.request('countLogs', {
      id: this.deploymentId,
      filter: query.text,
      regex: query.regex ? 'true' : 'false',
      caseSensitive: query.caseSensitive ? 'true' : 'false',
      exclude: query.exclude ? 'true' : 'false',
      ...this.shownScope(),
      since,
    });
    if (this.filtered !== source || this.disposed) return;
    this.filterCounting = false;
    if (result.ok) {
      const scannedTo = result.value.scannedTo;
      this.filterCount = { matches: base + result.value.matches, truncated: result.value.truncated, scannedTo };
      this.filterCountedLater = new Set([...this.filterCountedLater].filter((lineNo) => lineNo > scannedTo));
      this.countKeptLater(source.kept);
    }
    else source.error = result.error.message;
    this.emit();
  }

  /**
   * A complete count covers kept lines up to its scannedTo; kept lines after it (read by a page after
   * the count, or live) are added, each once, so the count follows the live log.
   */
  private countKeptLater(lineNos: Iterable<number>): void {
    const count = this.filterCount;
    if (!count || count.truncated) return;
    for (const lineNo of lineNos) if (lineNo > count.scannedTo) this.filterCountedLater.add(lineNo);
  }

  /** Continues a count that stopped at its work bound. */
  async countMore(): Promise<void> {
    const source = this.filtered;
    const count = this.filterCount;
    if (!source || !count?.truncated || this.filterCounting) return;
    await this.countFiltered(source, count.scannedTo, count.matches);
  }

  /** Draws the filtered lines: kept lines, their context (muted) and a gap row for each hidden range. */
  private renderFiltered(source: FilteredLogSource): void {
    const terminal = this.terminal;
    terminal.reset();
    this.lastGroup = null;
    this.focusRow = -1;
    this.unmarkFocus = () => undefined;
    if (source.hasEarlier) {
      terminal.append(formatGapMarker(`lines before ${source.scannedBackTo.toLocaleString('en-US')} not filtered yet: scroll up or press “Load earlier”`), NOT_A_LINE);
    }
    const marks = this.writeFilteredRows(source.rows, source);
    const focused = this.focus?.lineNo;
    if (focused !== undefined && source.lines.some((line) => line.lineNo === focused)) marks.push({ lineNo: focused, rootCause: false, focus: true });
    void this.decorateWritten(marks);
    this.emit();
  }

  private writeFilteredRows(rows: readonly FilteredRow[], source: FilteredLogSource): LineMark[] {
    const marks: LineMark[] = [];
    let run: LogLine[] = [];
    const pattern = filterHighlight(source.query);
    let highlight: RegExp | null = null;
    try {
      highlight = pattern === null ? null : new RegExp(pattern, source.query.caseSensitive ? 'g' : 'gi');
    } catch {
      // An RE2 pattern JavaScript cannot read: the kept lines are shown unmarked.
    }
    const flush = () => {
      if (run.length > 0) marks.push(...this.writeLines(run, true, source.kept, highlight));
      run = [];
    };
    for (const row of rows) {
      if (row.kind === 'line') {
        run.push(row.line);
        continue;
      }
      flush();
      this.terminal.append(formatGapMarker(`${row.hidden.toLocaleString('en-US')} ${row.hidden === 1 ? 'line' : 'lines'} hidden`), NOT_A_LINE);
    }
    flush();
    return marks;
  }

  /** Live lines arrived in filter mode: at most one engine query per FILTER_REFRESH_MS. */
  private scheduleFilterRefresh(): void {
    if (this.filterRefreshRunning || this.filterLoading) {
      this.filterRefreshAgain = true;
      return;
    }
    if (this.filterRefreshTimer !== undefined) return;
    const wait = Math.max(0, this.filterRefreshedAt + FILTER_REFRESH_MS - Date.now());
    this.filterRefreshTimer = setTimeout(() => {
      this.filterRefreshTimer = undefined;
      void this.refreshFiltered();
    }, wait);
  }

  private async refreshFiltered(): Promise<void> {
    const source = this.filtered;
    if (!source || this.disposed) return;
    this.filterRefreshRunning = true;
    this.filterRefreshAgain = false;
    this.filterRefreshedAt = Date.now();
    const lastHeld = source.lines.at(-1)?.lineNo ?? 0;
    const change = await source.loadNewer();
    this.filterRefreshRunning = false;
    if (this.filtered !== source || this.disposed) return;
    if (change) {
      this.countKeptLater(change.newKept);
      if (change.redraw || (lastHeld === 0 && change.appended.length > 0)) this.renderAll();
      else if (change.appended.length > 0) {
        const rows = filteredRows(change.appended, source.kept, { startReached: false });
        const hidden = change.appended[0]!.lineNo - lastHeld - 1;
        const marks = this.writeFilteredRows(hidden > 0 ? [{ kind: 'gap', hidden, fromLineNo: lastHeld + 1, toLineNo: lastHeld + hidden }, ...rows] : rows, source);
        void this.decorateWritten(marks);
      }
    }
    this.emit();
    if (this.filterRefreshAgain) this.scheduleFilterRefresh();
  }

  private async loadEarlierFiltered(source: FilteredLogSource): Promise<void> {
    if (this.busy || !source.hasEarlier) return;
    const first = source.lines[0]?.lineNo;
    this.busy = 'Filtering earlier lines…';
    this.emit();
    await source.loadEarlier();
    this.busy = null;
    if (this.filtered !== source || this.disposed) return;
    this.settings = { ...this.settings, follow: false };
    this.renderAll();
    await this.terminal.whenWritten();
    const row = first === undefined ? -1 : this.terminal.rowOfLine(first);
    if (row >= 0) this.terminal.terminal.scrollToLine(Math.max(0, row - 2));
    this.emit();
  }

  /** Marks error lines on the scrollbar and labels the likely root cause, once the lines are parsed. */
  private async decorateWritten(marks: readonly LineMark[]): Promise<void> {
    if (marks.length === 0) return;
    await this.terminal.whenWritten();
    if (this.disposed) return;
    for (const mark of marks) {
      const row = this.terminal.rowOfLine(mark.lineNo);
      if (row < 0) continue;
      if (mark.focus) {
        if (this.focus?.lineNo === mark.lineNo) this.markFocusRow(row);
      } else if (mark.rootCause) this.terminal.decorate(row, { mark: 'rootCause', label: 'likely root cause', className: 'log-root-cause' });
      else this.terminal.decorate(row, { mark: 'error' });
    }
  }

  // ---- run, errors ----

  /** The run whose steps group the lines. Props win over the snapshot's active run. */
  updateRun(run: RunDetail | null, fromProps: boolean): void {
    if (fromProps) this.runFromProps = run !== null;
    const previous = this.run;
    this.run = run;
    const statuses = (value: RunDetail | null) => value?.steps.map((step) => `${step.name}:${step.status}`).join(',') ?? '';
    if (previous && run && previous.id === run.id && statuses(previous) !== statuses(run) && this.settings.follow && this.window.atTail) {
      // Step headers show statuses: redraw while following so they stay current.
      this.renderAll();
    } else if (!previous || !run || previous.id !== run.id) {
      if (this.window.size > 0) this.renderAll();
    }
    this.scanErrorsIfNeeded();
    this.emit();
  }

  private scanErrorsIfNeeded(): void {
    const run = this.run;
    if (!run) {
      this.errors = null;
      return;
    }
    const steps = run.steps.map((step) => `${step.name}:${step.status}:${step.firstLineNo ?? ''}`).join(',');
    const key = `${run.id}|${run.status}|${failedStep(run)?.name ?? ''}|${run.finishedAt ?? ''}|${steps}`;
    if (key === this.errorScanKey) return;
    this.errorScanKey = key;
    this.errorScan.cancelled = true;
    const signal = { cancelled: false };
    this.errorScan = signal;
    void scanRunErrors(this.api, this.deploymentId, run, this.window.knownLast, signal).then((errors) => {
      if (!errors || signal.cancelled || this.disposed) return;
      const previousRoot = this.errors?.rootCause?.lineNo;
      this.errors = errors;
      if (errors.rootCause && errors.rootCause.lineNo !== previousRoot && this.window.has(errors.rootCause.lineNo) && this.settings.follow) this.renderAll();
      this.emit();
    });
  }

  async jumpToFirstError(): Promise<void> {
    const errors = this.errors;
    const target = errors?.rootCause?.lineNo ?? errors?.lineNos[0];
    if (target === undefined) {
      this.setMessage(errors ? 'No error lines in this run.' : 'Errors are still being indexed; try again in a moment.');
      return;
    }
    await this.showLine(target, errors?.rootCause?.lineNo === target ? 'likely root cause' : 'first error');
  }

  async adjacentError(direction: 1 | -1): Promise<void> {
    const lineNos = this.errors?.lineNos ?? this.window.lines.filter((line) => isErrorLogLine(line)).map((line) => line.lineNo);
    const from = this.focus?.lineNo ?? (direction === 1 ? 0 : Number.MAX_SAFE_INTEGER);
    const target = adjacentError(lineNos, from, direction);
    if (target === null) {
      this.setMessage(direction === 1 ? 'No later error line.' : 'No earlier error line.');
      return;
    }
    const index = lineNos.indexOf(target);
    await this.showLine(target, `error ${index + 1} of ${lineNos.length}`);
  }

  // ---- navigation ----

  /** Brings a line into the terminal (loading its neighbourhood when needed), scrolls to it and highlights it. */
  async showLine(lineNo: number, label: string): Promise<void> {
    if (this.filtered) {
      if (this.terminal.hasLine(lineNo)) {
        this.settings = { ...this.settings, follow: false };
        await this.terminal.whenWritten();
        const row = this.terminal.rowOfLine(lineNo);
        if (row >= 0) {
          this.terminal.scrollToRow(row);
          this.markFocusRow(row);
          this.focus = { lineNo, label };
          this.message = null;
          this.emit();
          return;
        }
      }
      // The filter hides that line: back to the normal viewer to show it.
      this.filterExits += 1;
      await this.setFilter(null);
    }
    this.setFollow(false);
    const line = this.window.atOrAfter(lineNo);
    if (line && !this.shows(line)) {
      // A jump to a hidden line shows its stream and level again.
      this.settings = {
        ...this.settings,
        streams: { ...this.settings.streams, [line.stream]: true },
        levels: { ...this.settings.levels, [line.level]: true },
        services: this.settings.services && line.service !== undefined ? [...this.settings.services, line.service] : null,
      };
      this.renderAll();
    } else if (!this.window.has(lineNo)) {
      await this.loadAround({ lineNo });
    } else if (!this.terminal.hasLine(lineNo)) {
      this.renderAll();
    }
    if (this.disposed) return;
    await this.terminal.whenWritten();
    if (lineNo > this.window.knownLast) {
      // Past the end (a link to a line of a log that was cleared, or a typo): say so over the last lines, not a blank view.
      const last = this.window.knownLast;
      this.focus = null;
      this.unmarkFocus();
      this.focusRow = -1;
      this.terminal.terminal.scrollToBottom();
      this.setMessage(last === 0 ? `This log has no line ${lineNo}: it has no lines yet.` : `This log has no line ${lineNo}: it ends at line ${last}. Showing its last lines.`);
      return;
    }
    let target = this.window.atOrAfter(lineNo)?.lineNo ?? lineNo;
    let row = this.terminal.rowOfLine(target);
    if (row < 0) {
      // Pushed out of the scrollback by wrapped lines: redraw with the target near the top.
      await this.loadAround({ lineNo });
      await this.terminal.whenWritten();
      target = this.window.atOrAfter(lineNo)?.lineNo ?? lineNo;
      row = this.terminal.rowOfLine(target);
    }
    if (row < 0) {
      this.setMessage(`Line ${lineNo} is not stored any more (retention).`);
      return;
    }
    this.terminal.scrollToRow(row);
    this.markFocusRow(row);
    this.focus = { lineNo: target, label: target === lineNo ? label : `${label} (line ${lineNo} is gone; nearest after it)` };
    this.message = null;
    this.emit();
  }

  /** Marks the line on a clicked row (for "Copy link to line"); a header or gap row marks nothing. */
  markLineAtRow(row: number): number | null {
    const lineNo = this.terminal.lineNoAtRow(row);
    if (lineNo === NOT_A_LINE) return null;
    this.setFollow(false);
    this.markFocusRow(row);
    this.focus = { lineNo, label: 'selected' };
    this.message = null;
    this.emit();
    return lineNo;
  }

  /** A loaded line by its lineNo (the marked line's text, for the JSON view). */
  lineOf(lineNo: number): LogLine | undefined {
    const index = this.window.indexOf(lineNo);
    return index >= 0 ? this.window.lines[index] : undefined;
  }

  /** Whether the stream and level toggles let a line show. */
  private shows(line: LogLine): boolean {
    const services = this.settings.services;
    return this.settings.streams[line.stream] && this.settings.levels[line.level] !== false && (services === null || (line.service !== undefined && services.includes(line.service)));
  }

  /** A Compose stack's services (names; empty for a deployment that is not a stack): sizes the tag column. */
  setStackServices(names: readonly string[]): void {
    const width = serviceTagWidth(names);
    if (width === this.serviceWidth) return;
    this.serviceWidth = width;
    this.renderAll();
  }

  /** The line a "copy link" is for: the marked line, else the first line in view. */
  linkLineNo(): number | null {
    const focused = this.focus?.lineNo;
    if (focused !== undefined && this.terminal.hasLine(focused)) return focused;
    const first = this.terminal.firstLineNoInView();
    return first === NOT_A_LINE ? null : first;
  }

  private markFocusRow(row: number): void {
    const start = this.terminal.rowOfLine(this.terminal.lineNoAtRow(row));
    const at = start >= 0 ? start : row;
    if (this.focusRow === at) return;
    this.unmarkFocus();
    this.focusRow = at;
    this.unmarkFocus = this.terminal.decorate(at, { mark: 'focus', className: 'log-focus-line' });
  }

  /** Replaces the window with the stored lines around a lineNo or a moment; returns the anchor line. */
  private async loadAround(target: { readonly lineNo: number } | { readonly at: string }): Promise<number | null> {
    this.busy = 'lineNo' in target ? `Loading line ${target.lineNo}…` : 'Finding that moment in the log…';
    this.emit();
    const page = await this.api.request('getLogsAround', { id: this.deploymentId, ...target, before: CONTEXT_BEFORE, after: PAGE_LINES });
    this.busy = null;
    if (this.disposed) return null;
    if (!page.ok) {
      this.setMessage(page.error.message);
      return null;
    }
    this.window.replace(page.value.lines, page.value.lastLineNo);
    this.renderAll();
    return page.value.anchorLineNo;
  }

  async jumpToTime(ts: string): Promise<void> {
    const anchor = await this.loadAround({ at: ts });
    if (anchor === null) {
      if (!this.message) this.setMessage(`No log line near ${new Date(ts).toLocaleString()}.`);
      return;
    }
    // A moment, not a line: land on the first line the stream, level and service toggles show (one that is
    // hidden would be shown again, as for a jump to that very line), else on the anchor itself.
    const shown = this.window.atOrAfter(anchor, (line) => this.shows(line));
    await this.showLine(shown?.lineNo ?? anchor, `at ${new Date(ts).toLocaleTimeString()}`);
  }

  async loadEarlier(): Promise<void> {
    if (this.filtered) return this.loadEarlierFiltered(this.filtered);
    if (this.busy || !this.window.hasEarlier) return;
    const first = this.window.first;
    this.busy = 'Loading earlier lines…';
    this.emit();
    // The stored lines before `first`, however far back: a range trimmed by the log budget (or expired) is
    // stepped over, so "nothing earlier" means nothing is stored, not a hole.
    const page = await this.api.request('getLogsAround', { id: this.deploymentId, lineNo: first, before: PAGE_LINES, after: 0 });
    this.busy = null;
    if (this.disposed) return;
    if (!page.ok) {
      this.setMessage(page.error.message);
      return;
    }
    this.setFollow(false);
    this.window.prepend(page.value.lines);
    this.renderAll();
    await this.terminal.whenWritten();
    const row = this.terminal.rowOfLine(first);
    if (row >= 0) this.terminal.terminal.scrollToLine(Math.max(0, row - 1));
  }

  /** Follow the live end again: reloads the tail when the window was detached by a jump or a long pause. */
  async backToLive(): Promise<void> {
    this.settings = { ...this.settings, follow: true };
    this.focus = null;
    if (this.filtered) {
      // Filter mode: the newest kept lines, read again, and live lines from there.
      if (this.filtered.newerDropped) await this.setFilter(this.filtered.query);
      else this.scheduleFilterRefresh();
      await this.terminal.whenWritten();
      this.terminal.terminal.scrollToBottom();
      this.emit();
      return;
    }
    if (!this.window.atTail) {
      this.busy = 'Loading the latest lines…';
      this.emit();
      const latest = await this.api.request('getLogs', { id: this.deploymentId, since: Math.max(0, this.window.knownLast - TAIL_LINES), limit: TAIL_LINES });
      this.busy = null;
      if (this.disposed || !latest.ok) return;
      this.window.replace(latest.value.lines, latest.value.lastLineNo);
      this.window.atTail = true;
      this.renderAll();
      void this.fillGap();
    } else {
      this.writeNew();
    }
    await this.terminal.whenWritten();
    this.terminal.terminal.scrollToBottom();
    this.emit();
  }

  // ---- settings ----

  setFollow(follow: boolean): void {
    if (follow === this.settings.follow) return;
    if (follow) {
      void this.backToLive();
      return;
    }
    this.settings = { ...this.settings, follow: false };
    this.emit();
  }

  changeSettings(change: Partial<Omit<ViewerSettings, 'follow'>>): void {
    const scopeBefore = JSON.stringify(this.shownScope());
    this.settings = { ...this.settings, ...change };
    // Filter mode asks the engine for the shown streams and levels only (the count too): read again.
    if (this.filtered && JSON.stringify(this.shownScope()) !== scopeBefore) void this.setFilter(this.filtered.query);
    else this.renderAll();
    // The toolbar's checkboxes are controlled inputs: publish within the same event, or React
    // puts the old value back until the next frame and the click looks lost.
    this.emitNow();
  }

  /** Column count changed: lines cut to the old width need redrawing when wrap is off. */
  resized(): void {
    const before = this.terminal.columns;
    this.terminal.fitToHost();
    if (!this.settings.wrap && this.terminal.columns !== before) this.renderAll();
  }

  setMessage(message: string | null): void {
    this.message = message;
    this.emit();
  }

  // ---- copy, download ----

  private visibleText(lines: readonly LogLine[]): string {
    const { timestamps } = this.settings;
    let out = '';
    for (const line of lines) if (this.shows(line)) out += `${plainLine(line, timestamps)}\n`;
    return out;
  }

  /** The terminal's selection, or else all it shows (the loaded lines the filters let through). */
  /**
   * The marked line's whole event (docs/product-rules.md, "Multi-line events"): a stack trace from its first
   * line to its last, as stored; a line that is its own event alone. Null when no loaded line is marked.
   */
  eventText(): { text: string; lines: number } | null {
    const focused = this.focus?.lineNo;
    const at = focused === undefined ? -1 : this.window.indexOf(focused);
    if (at < 0) return null;
    const lines = this.window.lines;
    // Group from a little before, as a reader going through the lines in order would.
    const from = Math.max(0, at - EVENT_LOOKBACK);
    const heads = eventHeads(lines.slice(from, Math.min(lines.length, at + EVENT_LOOKBACK)).map((line) => line.text));
    const head = heads[at - from]!;
    let end = at - from;
    while (end + 1 < heads.length && heads[end + 1] === head) end += 1;
    const event = lines.slice(from + head, from + end + 1);
    return { text: event.map((line) => line.text).join('\n') + '\n', lines: event.length };
  }

  async copyText(): Promise<string> {
    await this.terminal.whenWritten();
    return this.terminal.selectedOrAllText();
  }

  /** Every stored line the filters show, paged from the engine; in filter mode, the kept lines and their context. */
  async downloadText(onProgress: (lines: number) => void): Promise<Blob | null> {
    if (this.filtered) return this.downloadFiltered(this.filtered.query, onProgress);
    const parts: string[] = [];
    let since = 0;
    let count = 0;
    for (;;) {
      const page = await this.api.request('getLogs', { id: this.deploymentId, since, limit: 5000 });
      if (this.disposed) return null;
      if (!page.ok) {
        this.setMessage(`Download stopped: ${page.error.message}`);
        return null;
      }
      if (page.value.lines.length === 0) break;
      parts.push(this.visibleText(page.value.lines));
      count += page.value.lines.length;
      onProgress(count);
      since = page.value.lines.at(-1)!.lineNo;
    }
    return new Blob(parts, { type: 'text/plain;charset=utf-8' });
  }

  /**
   * Filter mode's download: the whole history's kept lines with their context, paged forward from the engine
   * (`since` = the last page's scannedTo); a line two pages share as context is written once, and `--` separates
   * runs of lines that are not adjacent when context is shown, as grep does.
   */
  private async downloadFiltered(query: FilterQuery, onProgress: (lines: number) => void): Promise<Blob | null> {
    const parts: string[] = [];
    const params = filterParams(query, this.shownScope());
    let since = 0;
    let written = 0;
    let count = 0;
    for (;;) {
      const page = await this.api.request('getLogs', { id: this.deploymentId, ...params, since, limit: 5000 });
      if (this.disposed) return null;
      if (!page.ok) {
        this.setMessage(`Download stopped: ${page.error.message}`);
        return null;
      }
      const fresh = page.value.lines.filter((line) => line.lineNo > written);
      let text = '';
      for (const line of fresh) {
        if (query.context > 0 && written > 0 && line.lineNo > written + 1) text += '--\n';
        text += `${plainLine(line, this.settings.timestamps)}\n`;
        written = line.lineNo;
      }
      parts.push(text);
      count += fresh.length;
      onProgress(count);
      const next = page.value.scannedTo ?? page.value.lastLineNo;
      if (next <= since || (next >= page.value.lastLineNo && !page.value.truncated)) break;
      since = next;
    }
    return new Blob(parts, { type: 'text/plain;charset=utf-8' });
  }

  /** Lines written so far, for the root's data attribute (tests wait on it). */
  get writtenThroughLineNo(): number {
    return this.writtenThrough;
  }
}
