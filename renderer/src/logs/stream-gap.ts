// Whether the viewer is behind its log stream. Both transports report the same two things: `behind`
// (a gap: pushes stopped, the lines follow from storage) and `caught-up` (every line up to lineNo
// was sent). The gap closes only once the window also holds those lines, so the marker never
// disappears while the lines it stands for are still missing from the view.
import type { LogGap } from '../../../shared';

export class StreamGap {
  private gap: LogGap | null = null;
  private caughtUpThrough: number | null = null;

  /** The stream said it is behind; a second gap before it caught up widens the first. */
  opened(gap: LogGap): void {
    this.gap = this.gap ? { ...this.gap, toLineNo: gap.toLineNo } : gap;
    this.caughtUpThrough = null;
  }

  /** The stream caught up: it has sent every line up to `lineNo`. */
  caughtUp(lineNo: number): void {
    if (this.gap) this.caughtUpThrough = lineNo;
  }

  /** A new stream began (a reconnect): it sends everything after its snapshot unless it says it is behind again. */
  restarted(lastLineNo: number): void {
    if (this.gap) this.caughtUpThrough = lastLineNo;
  }

  /** The open gap, given the last lineNo the window holds; null once closed. */
  current(windowLast: number): LogGap | null {
    if (this.gap && this.caughtUpThrough !== null && windowLast >= this.caughtUpThrough) {
      this.gap = null;
      this.caughtUpThrough = null;
    }
    return this.gap;
  }
}
