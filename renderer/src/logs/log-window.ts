// The bounded slice of a deployment's log the viewer holds in memory. Lines are ordered and unique
// by lineNo (the engine's per-deployment counter), so duplicates from a snapshot replay or a
// reconnect are dropped here, and a jump in lineNo is detected and paged in rather than skipped.
import type { LogLine } from '../../../shared';

export interface LiveResult {
  /** Lines appended to the window, in order. */
  readonly appended: readonly LogLine[];
  /** True when lines arrived after a hole: page `since = last` to fill it. */
  readonly gap: boolean;
}

export class LogWindow {
  private items: LogLine[] = [];
  /** The highest lineNo the engine has told us about. */
  knownLast = 0;
  /** True while the window follows the live end; false after a jump into history. */
  atTail = true;
  /** True once a page before `first` came back empty: nothing earlier is stored. */
  startReached = false;

  constructor(readonly maxLines: number) {}

  get lines(): readonly LogLine[] {
    return this.items;
  }

  get first(): number {
    return this.items[0]?.lineNo ?? this.knownLast + 1;
  }

  /** The last lineNo in the window; when empty, the point live lines continue from. */
  last = 0;

  get size(): number {
    return this.items.length;
  }

  /** Lines stored after the window that it does not hold. */
  get missingAfter(): number {
    return Math.max(0, this.knownLast - this.last);
  }

  /** True when lines before the window may exist on the engine. */
  get hasEarlier(): boolean {
    return !this.startReached && this.first > 1;
  }

  noteKnown(lineNo: number): void {
    if (lineNo > this.knownLast) this.knownLast = lineNo;
  }

  /** Live or snapshot lines. Appends only at the tail, deduped; reports a hole instead of skipping it. */
  acceptLive(lines: readonly LogLine[]): LiveResult {
    const lastIncoming = lines.at(-1);
    if (lastIncoming) this.noteKnown(lastIncoming.lineNo);
    if (!this.atTail) return { appended: [], gap: false };
    const fresh = lines[0] && lines[0].lineNo > this.last ? lines : lines.filter((line) => line.lineNo > this.last);
    const head = fresh[0];
    if (!head) return { appended: [], gap: false };
    // An empty window takes whatever it is given (the tail of a snapshot); otherwise lines must continue it.
    if (this.items.length > 0 && head.lineNo !== this.last + 1) return { appended: [], gap: true };
    return { appended: this.append(fresh), gap: false };
  }

  /** A page read with `since = last`: continues the window even across retention holes. */
  acceptPage(lines: readonly LogLine[], lastLineNo: number): readonly LogLine[] {
    this.noteKnown(lastLineNo);
    const fresh = lines.filter((line) => line.lineNo > this.last);
    return this.append(fresh);
  }

  private append(fresh: readonly LogLine[]): readonly LogLine[] {
    if (fresh.length === 0) return fresh;
    for (const line of fresh) this.items.push(line);
    this.last = fresh.at(-1)!.lineNo;
    this.noteKnown(this.last);
    const excess = this.items.length - this.maxLines;
    if (excess > 0) {
      this.items = this.items.slice(excess);
      this.startReached = false;
    }
    return fresh;
  }

  /** Earlier lines (a page that ends before `first`). Keeps the window bounded by dropping its end. */
  prepend(lines: readonly LogLine[]): number {
    const first = this.first;
    const earlier = lines.filter((line) => line.lineNo < first);
    if (earlier.length === 0) {
      this.startReached = true;
      return 0;
    }
    this.items = [...earlier, ...this.items];
    const excess = this.items.length - this.maxLines;
    if (excess > 0) {
      this.items = this.items.slice(0, this.items.length - excess);
      this.last = this.items.at(-1)!.lineNo;
      this.atTail = false;
    }
    return earlier.length;
  }

  /** Replaces the window with a page (a jump). `atTail` when the page reaches the known end. */
  replace(lines: readonly LogLine[], lastLineNo: number): void {
    this.noteKnown(lastLineNo);
    this.items = lines.slice(-this.maxLines);
    this.last = this.items.at(-1)?.lineNo ?? lastLineNo;
    this.atTail = this.last >= this.knownLast;
    this.startReached = false;
  }

  /** Marks the window detached from the live end (a long pause): live lines only move `knownLast`. */
  detach(): void {
    this.atTail = false;
  }

  /** The window's lines with lineNo > `lineNo`. */
  after(lineNo: number): readonly LogLine[] {
    const items = this.items;
    if (items.length === 0 || lineNo >= this.last) return [];
    let low = 0;
    let high = items.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (items[middle]!.lineNo <= lineNo) low = middle + 1;
      else high = middle;
    }
    return low === 0 ? items : items.slice(low);
  }

  /** The first line at or after `lineNo` in the window (that `keep` accepts, when given). */
  atOrAfter(lineNo: number, keep?: (line: LogLine) => boolean): LogLine | undefined {
    const later = this.after(lineNo - 1);
    return keep ? later.find(keep) : later[0];
  }

  has(lineNo: number): boolean {
    const items = this.items;
    if (items.length === 0 || lineNo < items[0]!.lineNo || lineNo > this.last) return false;
    return this.indexOf(lineNo) !== -1;
  }

  /** Binary search: lines are ordered by lineNo. */
  indexOf(lineNo: number): number {
    let low = 0;
    let high = this.items.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const value = this.items[middle]!.lineNo;
      if (value === lineNo) return middle;
      if (value < lineNo) low = middle + 1;
      else high = middle - 1;
    }
    return -1;
  }
}
