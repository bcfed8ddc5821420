// Filter mode on live lines (docs/product-rules.md, "Filter mode"): the same matcher as the engine's pages,
// with up to `context` lines before and after each kept line, each line once. `berth logs --grep -f` uses
// it on the lines it follows.
import type { LogLevel, LogLine, LogStream } from '../../../shared';
import type { CompiledLineFilter } from './log-filter';

export interface ShownLine {
  readonly line: LogLine;
  /** A kept line; the others are its context. */
  readonly match: boolean;
}

export class LiveLineFilter {
  /** The last `context` lines not shown yet: the before-context of the next kept line. */
  private readonly held: LogLine[] = [];
  /** Lines still to show after the last kept line. */
  private after = 0;

  constructor(
    private readonly filter: CompiledLineFilter,
    private readonly context: number,
    private readonly streams?: readonly LogStream[],
    private readonly levels?: readonly LogLevel[],
    /** A Compose stack: only these services' lines (a line without a service is not one of them). */
    private readonly services?: readonly string[],
  ) {}

  /** The lines to show now that `line` arrived, in order (none, or the held context and the line). */
  push(line: LogLine): ShownLine[] {
    if (this.streams && !this.streams.includes(line.stream)) return [];
    if (this.levels && !this.levels.includes(line.level)) return [];
    if (this.services && (line.service === undefined || !this.services.includes(line.service))) return [];
    if (this.filter.test(line.text)) {
      const shown = this.held.map((context) => ({ line: context, match: false }));
      this.held.length = 0;
      this.after = this.context;
      shown.push({ line, match: true });
      return shown;
    }
    if (this.after > 0) {
      this.after--;
      return [{ line, match: false }];
    }
    if (this.context > 0) {
      this.held.push(line);
      if (this.held.length > this.context) this.held.shift();
    }
    return [];
  }
}
