import type { LogCaughtUp, LogGap } from '../../../shared';

/**
 * What a log sink tells its consumer when the hub stops and resumes pushes (LogSink.behind): the gap
 * it will not get live, then that it has caught up. Both transports use it, so both say the same
 * thing: no empty gap, and a caught-up only after a gap.
 */
export class GapNotices {
  private open = false;

  constructor(
    private readonly deploymentId: string,
    /** The highest lineNo stored so far, so the gap can say how far it reaches. */
    private readonly lastStored: () => number,
  ) {}

  /** Pushes stopped after `lastSent`: the lines stored beyond it, if any. */
  stopped(lastSent: number): LogGap | null {
    const lastStored = this.lastStored();
    this.open = lastStored > lastSent;
    return this.open ? { deploymentId: this.deploymentId, fromLineNo: lastSent + 1, toLineNo: lastStored } : null;
  }

  /** Pushes resumed with every line up to `lastSent` sent; null when no gap was announced. */
  resumed(lastSent: number): LogCaughtUp | null {
    if (!this.open) return null;
    this.open = false;
    return { deploymentId: this.deploymentId, lineNo: lastSent };
  }
}
