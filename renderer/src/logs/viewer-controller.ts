// The log viewer's behaviour, outside React: subscription and paging, the bounded window, what is
// written to the terminal, jumps, errors across the run, copy and download. React renders the
// toolbar and panels from `state` and calls these methods; no per-line work goes through React.
import { isErrorLine, isErrorLogLine } from '../../../shared/error-lines';
import { eventHeads } from '../../../shared/log-events';
import { parseTrimMarker } from '../../../shared/log-trim';
import type { BerthApi, LogGap, LogLevel, LogLine, LogSnapshot, LogStream, RunDetail } from '../../../shared';
import { formatGapMarker, formatLine, formatStepHeader, formatTrimMarker, plainLine } from './line-format';
import { LogTerminal, NOT_A_LINE, type RendererKind } from './log-terminal';
import { LogWindow } from './log-window';
import { StreamGap } from './stream-gap';
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
}

export const DEFAULT_SETTINGS: ViewerSettings = {
  timestamps: false,
  follow: true,
  wrap: true,
  streams: { stdout: true, stderr: true, system: true },
  levels: { trace: true, debug: true, info: true, warn: true, error: true, fatal: true, unknown: true },
};

// Every pattern of shared/error-lines.ts needs one of these words, so a line without any of them
// cannot be an error line: one regex instead of fifteen on the hot path. Keep it a superset.
const ERROR_HINT = /err|fail|fatal|panic|exception|traceback|exit|non-zero|not found|segmentation|oom|out of memory/i;

/** isErrorLogLine, with a cheap pre-check for the common line that mentions nothing like a failure. */
export function looksLikeError(line: Pick<LogLine, 'text' | 'level'>): boolean {
  return line.level === 'error' || line.level === 'fatal' || (ERROR_HINT.test(line.text) && isErrorLine(line.text));
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
      notShown: window.atTail ? Math.max(0, window.last - this.writtenThrough) : window.missingAfter,
      behind: gap && window.atTail ? { fromLineNo: gap.fromLineNo, notLoaded: window.missingAfter } : null,
      errors: this.errors ? { count: this.errors.lineNos.length, complete: this.errors.complete, rootCause: this.errors.rootCause } : null,
      focus: this.focus,
      renderer: this.terminal.renderer,
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
  private writeLines(lines: readonly LogLine[], markErrors: boolean): LineMark[] {
    const marks: LineMark[] = [];
    const { timestamps, wrap } = this.settings;
    const rootCause = this.errors?.rootCause?.lineNo;
    const columns = this.terminal.columns;
    const run = this.run;
    // Three shapes of options, built once per call rather than once per line.
    const plain = { timestamps, wrap, columns, error: false, rootCause: false };
    const errorLine = { ...plain, error: true };
    const rootCauseLine = { ...plain, error: true, rootCause: true };
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
    this.setFollow(false);
    const line = this.window.atOrAfter(lineNo);
    if (line && !this.shows(line)) {
      // A jump to a hidden line shows its stream and level again.
      this.settings = { ...this.settings, streams: { ...this.settings.streams, [line.stream]: true }, levels: { ...this.settings.levels, [line.level]: true } };
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
    return this.settings.streams[line.stream] && this.settings.levels[line.level] !== false;
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
    await this.showLine(anchor, `at ${new Date(ts).toLocaleTimeString()}`);
  }

  async loadEarlier(): Promise<void> {
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
    this.settings = { ...this.settings, ...change };
    this.renderAll();
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

  /** Every stored line the filters show, paged from the engine. */
  async downloadText(onProgress: (lines: number) => void): Promise<Blob | null> {
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

  /** Lines written so far, for the root's data attribute (tests wait on it). */
  get writtenThroughLineNo(): number {
    return this.writtenThrough;
  }
}
